/**
 * A message drawn as Slack draws it: mrkdwn (bold, italic, code, quotes, links, mentions, emoji)
 * and Block Kit (header, section with fields, context, divider, buttons, images by their alt text).
 * The renderer is the sandbox page's own pure one, which escapes every piece of text first.
 */
import { createContext, useContext, useMemo } from 'react';
import { blocksView, type ViewText } from '../../../src/sandbox/web/blocks-view.js';
import { emojiTable } from '../../../src/sandbox/web/emoji.js';
import { type MrkdwnContext, renderMrkdwn } from '../../../src/sandbox/web/mrkdwn.js';
import { type SlackNames, useSlackNames } from '../api/slack-names';

let table: Record<string, string> | undefined;
const emoji = (name: string): string | undefined => {
  table ??= emojiTable();
  return table[name];
};

function contextOf(names: SlackNames): MrkdwnContext {
  return {
    userName: (id) => names.users[id] ?? undefined,
    channelName: (id) => names.channels[id] ?? undefined,
    emoji,
  };
}

const CtxOf = createContext<MrkdwnContext>(contextOf({ users: {}, channels: {} }));

function Text({ t, className }: { t: ViewText; className?: string }) {
  const ctx = useContext(CtxOf);
  if (!t.mrkdwn) return <div className={`sm-text ${className ?? ''}`}>{t.text}</div>;
  const html = { __html: renderMrkdwn(t.text, ctx) };
  // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMrkdwn escapes all text and emits only its fixed tags
  return <div className={`sm-text ${className ?? ''}`} dangerouslySetInnerHTML={html} />;
}

export default function SlackMessage({
  text,
  blocks,
  connection,
}: {
  text?: string | undefined;
  blocks?: unknown;
  /** The connection whose workspace names the mentions. */
  connection?: string | undefined;
}) {
  const view = blocksView(typeof blocks === 'string' ? safeParse(blocks) : blocks);
  const names = useSlackNames(connection, text, blocks);
  const ctx = useMemo(() => contextOf(names), [names]);
  return (
    <CtxOf.Provider value={ctx}>
      <div className="slack-msg" data-testid="slack-message">
        {view ? (
          view.map((b, i) => {
            const key = `${b.kind}-${i}`;
            switch (b.kind) {
              case 'header':
                return <Text key={key} t={b.text} className="sm-header" />;
              case 'section':
                return (
                  <div key={key}>
                    {b.text ? <Text t={b.text} /> : null}
                    {b.fields.length ? (
                      <div className="sm-fields">
                        {b.fields.map((f, j) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: fields are positional
                          <Text key={j} t={f} />
                        ))}
                      </div>
                    ) : null}
                  </div>
                );
              case 'context':
                return (
                  <div key={key} className="sm-context">
                    {b.items.map((t, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: items are positional
                      <Text key={j} t={t} />
                    ))}
                  </div>
                );
              case 'divider':
                return <hr key={key} />;
              case 'actions':
                return (
                  <div key={key}>
                    {b.labels.map((l, j) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: buttons are positional
                      <span key={j} className="sm-button">
                        {l}
                      </span>
                    ))}
                  </div>
                );
              case 'image':
                return b.url ? (
                  <img
                    key={key}
                    className="sm-image"
                    src={b.url}
                    alt={b.alt}
                    loading="lazy"
                    referrerPolicy="no-referrer"
                  />
                ) : (
                  <div key={key} className="sm-context">
                    [image: {b.alt}]
                  </div>
                );
              default:
                return null;
            }
          })
        ) : (
          <Text t={{ text: text ?? '', mrkdwn: true }} />
        )}
      </div>
    </CtxOf.Provider>
  );
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
