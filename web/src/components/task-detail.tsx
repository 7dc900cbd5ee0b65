/**
 * A task's detail: status, attempts, times, output, error with its fix, the reason it was skipped;
 * for slack.message also the connection, channel, the message as Slack shows it, the delivery
 * state in the seed's words and the permalink.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import type { RunJson, TaskJson, TaskSpec } from '../api/types';
import { deliveryWords } from '../lib/delivery';
import { took, when } from '../lib/format';
import { Link } from '../router';
import { CodeBlock } from './code-block';
import { ModeBadge, Status } from './mode';
import { TypeIcon, typeName } from './type-icon';

const SlackMessage = lazy(() => import('./slack-message'));

export function TaskDetail({
  run,
  task: t,
  spec,
  actions,
  closeHref,
}: {
  run: RunJson;
  task: TaskJson;
  spec: TaskSpec | undefined;
  actions: ReactNode;
  closeHref: string;
}) {
  const input = spec?.input ?? {};
  const fix = t.error?.fix;
  return (
    <article className="card" data-testid="task-detail" aria-labelledby="task-detail-title">
      <div className="row spread">
        <h2 id="task-detail-title" className="row">
          <TypeIcon type={t.type} /> {t.name}
        </h2>
        <Link href={closeHref}>Close</Link>
      </div>
      <p>
        <ModeBadge mode={run.mode} /> <Status status={t.status} />
      </p>
      {actions}
      <dl className="facts">
        <dt>Task</dt>
        <dd>
          {t.id} · {typeName(t.type)}
        </dd>
        <dt>Attempts</dt>
        <dd>{t.attempts}</dd>
        <dt>Started</dt>
        <dd>{when(t.started_at)}</dd>
        <dt>Finished</dt>
        <dd>
          {when(t.finished_at)} {took(t.started_at, t.finished_at)}
        </dd>
        {spec?.depends_on.length ? (
          <>
            <dt>Depends on</dt>
            <dd>{spec.depends_on.join(', ')}</dd>
          </>
        ) : null}
        {t.reason ? (
          <>
            <dt>Reason</dt>
            <dd data-testid="task-reason">{t.reason}</dd>
          </>
        ) : null}
        {typeof input.instructions === 'string' ? (
          <>
            <dt>Instructions</dt>
            <dd>{input.instructions}</dd>
          </>
        ) : null}
      </dl>
      {t.type === 'slack.message' ? <SlackPart task={t} input={input} /> : null}
      {t.error ? (
        <div className="error-box" data-testid="task-error">
          <strong>Error:</strong> {t.error.message}
          {t.error.code ? <code className="code">{t.error.code}</code> : null}
          {fix ? <p className="fix">Fix: {fix}</p> : null}
        </div>
      ) : null}
      {t.output ? (
        <>
          <h3>Output</h3>
          <CodeBlock data-testid="task-output">{JSON.stringify(t.output, null, 2)}</CodeBlock>
        </>
      ) : null}
    </article>
  );
}

function SlackPart({ task: t, input }: { task: TaskJson; input: Record<string, unknown> }) {
  const s = t.slack ?? undefined;
  const words = deliveryWords(s, t.status);
  const channel = s?.channel_name ?? (typeof input.channel === 'string' ? input.channel : undefined);
  const text = s?.text ?? (typeof input.message === 'string' ? input.message : undefined);
  return (
    <section aria-label="Slack message" data-testid="slack-part">
      <h3>Slack message</h3>
      <p className={`delivery delivery-${s?.state ?? 'pending'}`} data-testid="delivery">
        {words}
      </p>
      <dl className="facts">
        <dt>Connection</dt>
        <dd data-testid="slack-connection">{typeof input.connection === 'string' ? input.connection : 'default'}</dd>
        <dt>Channel</dt>
        <dd data-testid="slack-channel">
          {channel ?? '—'}
          {s?.channel && s.channel !== channel ? ` (${s.channel})` : ''}
        </dd>
        {s?.permalink ? (
          <>
            <dt>Permalink</dt>
            <dd>
              <a href={s.permalink} target="_blank" rel="noreferrer" data-testid="permalink">
                Open in Slack
              </a>
            </dd>
          </>
        ) : null}
        {s?.note ? (
          <>
            <dt>Note</dt>
            <dd>{s.note}</dd>
          </>
        ) : null}
      </dl>
      <Suspense fallback={<p>Loading message…</p>}>
        <SlackMessage
          text={text}
          blocks={input.blocks}
          connection={typeof input.connection === 'string' ? input.connection : 'default'}
        />
      </Suspense>
      {s?.error ? (
        <div className="error-box" data-testid="slack-error">
          {s.error.message} <code className="code">{s.error.code}</code>
          {s.error.fix ? <p className="fix">Fix: {s.error.fix}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
