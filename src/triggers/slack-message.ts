/**
 * The Slack trigger: a message in a channel starts a run (VisualCron's "Slack - Trigger"). Pure
 * decisions over a Slack `message` event whose channel and user references were already resolved
 * to ids by the router (names → ids need the Web API, which is a transport concern).
 */
import { Type } from '../core/typebox.js';
import { defineTriggerType } from './trigger-type.js';

/** The fields of a Slack `message` event (Events API or Socket Mode) the trigger looks at. */
export interface SlackMessageEvent {
  /** The Events API envelope's id: the same on every retry of one delivery. */
  event_id: string;
  team_id: string;
  channel: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  bot_id?: string;
  subtype?: string;
  /** Resolved by the router for `{{trigger.user_name}}` and `{{trigger.permalink}}`. */
  user_name?: string;
  permalink?: string;
  /** The user groups the sender belongs to (resolved when the trigger names groups). */
  user_groups?: string[];
}

export const slackMessageTriggerConfig = Type.Object(
  {
    connection: Type.String({ title: 'Connection', description: 'The Slack connection whose app hears the message.' }),
    channel_ids: Type.Array(Type.String(), {
      title: 'Channels',
      description: 'Channel ids the message must be in (names resolved by the router).',
    }),
    match: Type.Optional(
      Type.String({
        title: 'Match',
        description: 'A regular expression on the message text; its named groups become {{trigger.match.NAME}}.',
      }),
    ),
    user_ids: Type.Optional(
      Type.Array(Type.String(), { title: 'Users', description: 'Only these users (ids) may start it.' }),
    ),
    group_ids: Type.Optional(
      Type.Array(Type.String(), {
        title: 'User groups',
        description: 'Members of these user groups (ids) may start it.',
      }),
    ),
    threads: Type.Optional(Type.Boolean({ title: 'Thread replies', description: 'Also react to replies in threads.' })),
    bots: Type.Optional(Type.Boolean({ title: 'Bot messages', description: 'Also react to messages from bots.' })),
  },
  { additionalProperties: false },
);

const CHANNEL_REF = '^(#[^\\s#,]{1,80}|[CGD][A-Z0-9]{2,})$';
const USER_REF = '^(@[^\\s@,]{1,80}|[UWS][A-Z0-9]{2,})$';
const CHANNEL_HINT = 'expected a channel "#name" or id such as C0123ABCD';
const USER_HINT = 'expected "@name" (a user or a user group) or an id such as U0123ABCD or S0123ABCD';

/** The trigger as a runbook writes it: channel and user names or ids (the router resolves names). */
export const slackMessageTriggerFields = Type.Object(
  {
    connection: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Connection',
        description: 'The Slack connection whose app hears the message (default "default").',
      }),
    ),
    channel: Type.Union(
      [
        Type.String({ pattern: CHANNEL_REF }),
        Type.Array(Type.String({ pattern: CHANNEL_REF, 'x-hint': CHANNEL_HINT }), { minItems: 1, maxItems: 50 }),
      ],
      {
        'x-hint': 'expected a channel "#name" or id "C…", or a list of them, e.g. ["#deploys", "#ops"]',
        title: 'Channels',
        description: 'The channel(s) the message must be posted in: "#name" or an id such as C0123ABCD.',
      },
    ),
    match: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1000,
        title: 'Match',
        description: 'A regular expression on the message text; its named groups become {{trigger.match.NAME}}.',
      }),
    ),
    users: Type.Optional(
      Type.Array(Type.String({ pattern: USER_REF, 'x-hint': USER_HINT }), {
        minItems: 1,
        maxItems: 100,
        'x-hint': 'expected a list of "@name" (a user or a user group) or ids such as U0123ABCD or S0123ABCD',
        title: 'Users',
        description: 'Only these users or members of these user groups may start it ("@alice", "@release-managers").',
      }),
    ),
    reply: Type.Optional(
      Type.Boolean({
        title: 'Reply',
        description: 'Answer in the thread: "run started" with a link, then the outcome.',
      }),
    ),
    threads: Type.Optional(Type.Boolean({ title: 'Thread replies', description: 'Also react to replies in threads.' })),
    bots: Type.Optional(Type.Boolean({ title: 'Bot messages', description: 'Also react to messages from bots.' })),
  },
  { additionalProperties: false },
);

/** The `trigger.*` values a Slack message gives a run (besides `match.<group>`). */
export const SLACK_MESSAGE_VALUES = ['text', 'user', 'user_name', 'channel', 'ts', 'permalink'] as const;

/** Named groups of a regular expression's source (`(?<name>…)`, not look-behinds). */
export function namedGroups(source: string): string[] {
  return [...source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] as string);
}

/** Subtypes that are ordinary messages someone wrote (a broadcast reply and a "me" message too). */
const PLAIN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'me_message', 'file_share']);

export const slackMessageTrigger = defineTriggerType({
  type: 'slack.message',
  title: 'Slack message',
  description: 'Starts a run when a matching message is posted in a channel.',
  fields: slackMessageTriggerFields,
  check(f) {
    const values: string[] = [...SLACK_MESSAGE_VALUES];
    if (f.match === undefined) return { problems: [], values };
    try {
      new RegExp(f.match, 'u');
    } catch (err) {
      const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
      return {
        problems: [{ field: 'match', message: `not a valid regular expression: ${why}` }],
        values,
      };
    }
    for (const g of namedGroups(f.match)) values.push(`match.${g}`);
    return { problems: [], values };
  },
  config: slackMessageTriggerConfig,
  match(e: SlackMessageEvent, c) {
    if (!c.channel_ids.includes(e.channel)) return { matched: false, reason: 'ignored', detail: 'another channel' };
    if (e.bot_id !== undefined || e.subtype === 'bot_message') {
      if (c.bots !== true) return { matched: false, reason: 'ignored', detail: 'a bot message' };
    } else if (!PLAIN_SUBTYPES.has(e.subtype)) {
      // Edits, deletions, joins and the like never start a run.
      return { matched: false, reason: 'ignored', detail: `a ${e.subtype} event` };
    }
    if (e.thread_ts !== undefined && e.thread_ts !== e.ts && c.threads !== true && e.subtype !== 'thread_broadcast') {
      return { matched: false, reason: 'ignored', detail: 'a thread reply' };
    }
    let groups: Record<string, string> = {};
    if (c.match !== undefined) {
      const m = new RegExp(c.match, 'u').exec(e.text ?? '');
      if (m === null) return { matched: false, reason: 'no_match', detail: `text does not match /${c.match}/` };
      groups = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, v ?? '']));
    }
    const limited = (c.user_ids?.length ?? 0) + (c.group_ids?.length ?? 0) > 0;
    if (limited) {
      const byUser = e.user !== undefined && (c.user_ids ?? []).includes(e.user);
      const byGroup = (e.user_groups ?? []).some((g) => (c.group_ids ?? []).includes(g));
      if (!byUser && !byGroup) {
        return {
          matched: false,
          reason: 'not_allowed',
          detail: `${e.user ?? 'this sender'} may not start this runbook`,
        };
      }
    }
    return { matched: true, groups };
  },
  // The event id is the same on every retry; the channel and ts identify the message whichever
  // transport (HTTP or Socket Mode) or app delivery brought it.
  dedupeKey: (e) => `${e.team_id}:${e.channel}:${e.ts}`,
  toVars(e, _c, m) {
    const vars: Record<string, string> = {
      'trigger.text': e.text ?? '',
      'trigger.user': e.user ?? '',
      'trigger.user_name': e.user_name ?? '',
      'trigger.channel': e.channel,
      'trigger.ts': e.ts,
      'trigger.permalink': e.permalink ?? '',
    };
    for (const [k, v] of Object.entries(m.groups)) vars[`trigger.match.${k}`] = v;
    return vars;
  },
});
