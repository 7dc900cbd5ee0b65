/**
 * `slack.message`: post a message to a Slack channel, DM or group DM when the task starts — or
 * reply in the thread of an earlier slack.message task, or edit its message. Delivery is
 * exactly-once (intent saved first, message tagged with metadata, looked up before any re-post),
 * so the type is idempotent: re-running it after a crash never posts twice. The machinery lives
 * in `src/slack/delivery/`; this file maps task fields to a delivery and back.
 *
 * Rehearsal: `skip` (default, as the Cutover document says: not run in rehearsal) records the
 * rendered text as "Not sent (rehearsal)"; `send` posts prefixed "[REHEARSAL] "; `{ channel }`
 * posts prefixed to that channel instead.
 */
import type { Static } from '@sinclair/typebox';
import { Type } from '../core/typebox.js';
import { type ErrorCode, RunwireError, toRunwireError } from '../core/errors.js';
import { defineTaskType, type InputRenderer, type TaskContext, type ValidationGraph } from '../core/task-type.js';
import type { ConnectionResolver, ResolvedConnection } from '../slack/connections/types.js';
import { checkMessageTask } from '../slack/delivery/preflight.js';
import { problemError, usesWebhook, webhookProblems } from '../slack/delivery/webhook-errors.js';
// Type only: the delivery service (and the Slack SDK under it) is loaded on the first run or check
// of a slack.message task, so validating or running a runbook without one never loads it.
import type { DeliveryService, MessageSpec } from '../slack/delivery/service.js';
import {
  describeDelivery,
  readDeliveryState,
  readRehearsal,
  rehearsalPlan,
  type DeliveryState,
} from '../slack/delivery/state.js';
import { escapeMrkdwn, renderBlocks } from '../slack/mrkdwn.js';
import { isTemplated, parseTarget, MAX_GROUP_DM_USERS, type SlackTarget } from '../slack/targets.js';

/** The connection used when a task names none. */
export const DEFAULT_CONNECTION = 'default';
export const SLACK_MESSAGE_TYPE = 'slack.message';

const TARGET_HINT = 'channel is a channel id, #name, a user (U…, @name, e-mail) or a list of up to 8 users';
const Target = (opts: { title?: string; description?: string } = {}) =>
  Type.Union(
    [
      Type.String({ minLength: 1 }),
      // The list's length and entries are checked by `validate` (parseTarget), which says what is
      // wrong with them: too many users, or channels in a list (one task per channel).
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: `the users of a group DM: 2 to ${MAX_GROUP_DM_USERS} (one user is a DM)`,
      }),
    ],
    { 'x-hint': TARGET_HINT, ...opts },
  );

export const SlackMessageInput = Type.Object(
  {
    connection: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Connection',
        description: 'The Slack connection to post with (runwire connection add).',
        default: DEFAULT_CONNECTION,
      }),
    ),
    channel: Type.Optional(
      Target({
        title: 'Channel',
        description:
          "Where to post: a channel id, #name, a user (U…, @handle, e-mail) or a list of up to 8 users. Not needed with thread or update (they use the earlier message's channel) or with a webhook connection.",
      }),
    ),
    message: Type.String({
      minLength: 1,
      'x-hint': 'message is the text to post (a template, Slack mrkdwn)',
      title: 'Message',
      description:
        'The text to post, in Slack mrkdwn (templates allowed: inserted values are escaped so they show as text; {{raw …}} inserts one as mrkdwn); with blocks, the notification fallback.',
    }),
    blocks: Type.Optional(
      Type.Union([Type.Array(Type.Unknown()), Type.String()], {
        'x-hint': 'blocks is a list of Block Kit blocks or a JSON string of one',
        title: 'Blocks',
        description:
          'Block Kit blocks: a list, or a JSON string of one. Templates go inside its string values (parsed first, so a value cannot add blocks); values in mrkdwn text are escaped.',
      }),
    ),
    thread: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Thread of',
        description: 'Reply in the thread of this earlier slack.message task (it must be an ancestor).',
      }),
    ),
    broadcast: Type.Optional(
      Type.Boolean({
        title: 'Also send to the channel',
        description: 'With thread: also show the reply in the channel.',
        default: false,
      }),
    ),
    update: Type.Optional(
      Type.String({
        minLength: 1,
        title: 'Update',
        description: 'Edit the message of this earlier slack.message task (an ancestor) instead of posting.',
      }),
    ),
    as_user: Type.Optional(
      Type.Boolean({
        title: 'As user',
        description: "Post with the connection's user token instead of the bot's.",
        default: false,
      }),
    ),
    unfurl_links: Type.Optional(
      Type.Boolean({
        title: 'Unfurl links',
        description: "Show previews of links in the message (Slack's default for bots is off for text links).",
      }),
    ),
    rehearsal: Type.Optional(
      Type.Union(
        [
          Type.Literal('skip'),
          Type.Literal('send'),
          Type.Object({ channel: Target() }, { additionalProperties: false }),
        ],
        {
          'x-hint': 'rehearsal is skip, send, or { channel: <channel> }',
          title: 'In rehearsal',
          description:
            'What a rehearsal does: skip (record the text only), send (post it, prefixed [REHEARSAL]), or { channel: … } (post it there instead).',
          default: 'skip',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SlackMessageInput = Static<typeof SlackMessageInput>;

/** A resolver that can refresh a rotating token on demand (the data dir's resolver can). */
interface Refresher {
  refreshNow(name: string, which: 'bot' | 'user'): Promise<ResolvedConnection>;
}

export interface SlackMessageDeps {
  /** Looks connections up by name; a function is called on first use (opening a store lazily). */
  connections?: ConnectionResolver | (() => ConnectionResolver | Promise<ConnectionResolver>);
  /**
   * Shared by every slack.message task of the process (one queue per workspace and channel). A
   * function is called on first use; without one, a DeliveryService is created on first use.
   */
  delivery?: DeliveryService | (() => DeliveryService | Promise<DeliveryService>);
  /** manual tasks asking in Slack: the approval-reference HMAC key (from the data dir's secret key). */
  approvalKey?: () => Promise<Buffer>;
}

/** Pure: problems of the unrendered fields the schema cannot express. */
export function validateSlackMessage(
  input: SlackMessageInput,
  graph: ValidationGraph,
): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  // A webhook connection posts to its own channel, so a task naming its connection may omit
  // channel:; whether that connection is a webhook is known only to check and run.
  if (input.channel === undefined && !input.thread && !input.update && input.connection === undefined) {
    out.push({
      field: 'channel',
      message:
        'channel is required (unless the task has thread: or update:, or posts through a webhook connection named in connection:)',
    });
  }
  if (input.channel !== undefined && !isTemplated(input.channel)) {
    const p = parseTarget(input.channel);
    if (!p.ok) out.push({ field: 'channel', message: p.message });
  }
  for (const field of ['thread', 'update'] as const) {
    const ref = input[field];
    if (!ref) continue;
    const t = graph.typeOf(ref);
    if (t === undefined) out.push({ field, message: `${field}: no task "${ref}" in this runbook` });
    else if (t !== SLACK_MESSAGE_TYPE)
      out.push({ field, message: `${field}: task "${ref}" is a ${t} task, not a ${SLACK_MESSAGE_TYPE} task` });
    else if (!graph.isAncestor(ref))
      out.push({
        field,
        message: `${field}: task "${ref}" must finish first: add it to depends_on (directly or through another task)`,
      });
  }
  if (input.thread && input.update)
    out.push({
      field: 'update',
      message: 'a task either replies in a thread (thread:) or edits a message (update:), not both',
    });
  if (input.broadcast !== undefined && !input.thread)
    out.push({ field: 'broadcast', message: 'broadcast only applies to thread replies (add thread: <task id>)' });
  const r = input.rehearsal;
  if (r && typeof r === 'object' && !isTemplated(r.channel)) {
    const p = parseTarget(r.channel);
    if (!p.ok) out.push({ field: 'rehearsal.channel', message: p.message });
  }
  if (typeof input.blocks === 'string') {
    // Parsed before rendering, so templates belong inside its JSON strings, never around its structure.
    try {
      if (!Array.isArray(JSON.parse(input.blocks)))
        out.push({ field: 'blocks', message: 'blocks must be a JSON array of Block Kit blocks' });
    } catch {
      out.push({
        field: 'blocks',
        message: isTemplated(input.blocks)
          ? 'blocks is not valid JSON: templates go inside its string values ("text": "{{vars.x}}"), never in place of blocks or fields (a value cannot add blocks)'
          : 'blocks is not valid JSON',
      });
    }
  }
  return out;
}

/** A token connection needs a channel (only a webhook brings its own). */
function noChannel(connection: string): { code: ErrorCode; message: string; fix: string } {
  return {
    code: 'runwire.slack.no_channel',
    message: `channel: the task names no channel, and connection "${connection}" is not an incoming webhook (only a webhook brings its own channel).`,
    fix: 'Give the task a channel: (#name, a channel id, a user or a list of users).',
  };
}

function targetOf(value: unknown, field: string): SlackTarget {
  const p = parseTarget(value);
  if (!p.ok)
    throw new RunwireError('runwire.slack.bad_channel', `${field}: ${p.message}`, { fix: `Fix the task's ${field}.` });
  return p.target;
}

/**
 * The type's template rendering: `message` with values escaped for mrkdwn; `blocks` parsed first
 * (a JSON string becomes its list), then each string value rendered (values in mrkdwn text escaped);
 * the other fields (channel, thread, …) rendered as they are.
 */
export function renderSlackMessageInput(input: SlackMessageInput, render: InputRenderer): SlackMessageInput {
  const { message, blocks, ...rest } = input;
  const out: SlackMessageInput = { ...render(rest), message: render(message, escapeMrkdwn) };
  if (blocks !== undefined) out.blocks = renderBlocks(parsedBlocks(blocks), render) as SlackMessageInput['blocks'];
  return out;
}

/** A JSON string of blocks parsed (left as written when it does not parse: `blocksOf` reports it). */
function parsedBlocks(blocks: NonNullable<SlackMessageInput['blocks']>): unknown {
  if (typeof blocks !== 'string') return blocks;
  try {
    return JSON.parse(blocks) as unknown;
  } catch {
    return blocks;
  }
}

function blocksOf(blocks: SlackMessageInput['blocks']): unknown[] | undefined {
  if (blocks === undefined) return undefined;
  if (Array.isArray(blocks)) return blocks;
  try {
    const parsed: unknown = JSON.parse(blocks);
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw new RunwireError('runwire.slack.bad_blocks', 'blocks is not a JSON array of Block Kit blocks.', {
    fix: 'Write blocks as a list, or a JSON string of one, with templates only inside its string values.',
  });
}

/** The earlier message a thread reply or an update refers to. */
function parentMessage(
  ctx: TaskContext,
  taskId: string,
  field: string,
): { channel: string; channelName?: string; ts: string } | undefined {
  const parent = readDeliveryState(ctx.lookupTask(taskId)?.state);
  if (parent?.state === 'sent' && parent.ts && parent.channel) {
    return {
      channel: parent.channel,
      ...(parent.channel_name ? { channelName: parent.channel_name } : {}),
      ts: parent.ts,
    };
  }
  // In a rehearsal the parent may have been skipped: then this message stands on its own.
  if (ctx.run.mode === 'rehearsal') return undefined;
  throw new RunwireError(
    'runwire.slack.no_parent_message',
    `${field}: task "${taskId}" has no sent message to ${field === 'thread' ? 'reply to' : 'edit'}.`,
    {
      fix: `Make sure task "${taskId}" posted its message (it must succeed first).`,
    },
  );
}

export function createSlackMessageType(deps: SlackMessageDeps = {}) {
  // One promise for the whole process: every task awaits this same promise before taking its
  // ticket, so tickets still follow task-start order (reactions to one promise run in the order
  // they were registered) even while the delivery machinery is still loading.
  let loading: Promise<DeliveryService> | undefined;
  const delivery = (): Promise<DeliveryService> => {
    loading ??= (async () => {
      if (typeof deps.delivery === 'function') return deps.delivery();
      if (deps.delivery) return deps.delivery;
      const { DeliveryService: Service } = await import('../slack/delivery/service.js');
      return new Service();
    })();
    return loading;
  };
  let resolver: ConnectionResolver | undefined;
  const connections = async (): Promise<ConnectionResolver> => {
    if (resolver) return resolver;
    if (!deps.connections) {
      throw new RunwireError('runwire.slack.no_connections', 'Slack connections are not available in this process.', {
        fix: "Run the runbook with `runwire run` (which opens the data dir's connections).",
      });
    }
    resolver = typeof deps.connections === 'function' ? await deps.connections() : deps.connections;
    return resolver;
  };

  const save = (ctx: TaskContext) => (s: DeliveryState, event?: string) =>
    ctx.saveState(s as unknown as Record<string, unknown>, event);

  return defineTaskType({
    type: SLACK_MESSAGE_TYPE,
    title: 'Slack message',
    description:
      "Post (or reply in a thread, or edit) a Slack message exactly once, paced to Slack's limits, with a fix when it cannot.",
    icon: 'slack',
    input: SlackMessageInput,
    rehearsal: 'skip',
    idempotent: true,
    // Transient failures are retried inside the delivery queue first (keeping the channel's order);
    // the engine's retry only comes after those, and a retry looks the message up before posting.
    retry: { attempts: 3, backoffMs: 2000, maxBackoffMs: 30_000 },
    stateKey: 'slack',
    describe: describeDelivery,
    rehearsalFor: (field) => (readRehearsal(field).kind === 'skip' ? 'skip' : 'run'),
    validate: validateSlackMessage,
    renderInput: renderSlackMessageInput,

    async preview(input, ctx) {
      const label = Array.isArray(input.channel)
        ? input.channel.join(', ')
        : (input.channel ?? (input.thread ? `thread of ${input.thread}` : `message of ${input.update}`));
      const st: DeliveryState = { state: 'skipped', attempts: 0, text: input.message, channel_name: String(label) };
      await save(ctx)(st, 'Not sent (rehearsal)');
    },

    async check(input, ctx) {
      const plan = rehearsalPlan(ctx.run.mode, readRehearsal(input.rehearsal));
      if (!plan.send) return [];
      const raw = plan.channelOverride ?? input.channel;
      // Thread replies and updates post where their parent did; a templated channel is only known at run time.
      const target =
        raw === undefined || isTemplated(raw) || ((input.thread || input.update) && plan.channelOverride === undefined)
          ? undefined
          : targetOf(raw, 'channel');
      const name = input.connection ?? DEFAULT_CONNECTION;
      const resolver = await connections();
      let conn: ResolvedConnection | undefined;
      try {
        conn = await resolver.resolve(name);
      } catch {
        // checkMessageTask reports the missing connection with its fix.
      }
      if (conn && usesWebhook(conn)) {
        return webhookProblems(conn, {
          target,
          asUser: input.as_user === true,
          thread: Boolean(input.thread),
          update: Boolean(input.update),
          redirect: plan.channelOverride !== undefined,
        });
      }
      if (raw === undefined && !input.thread && !input.update) {
        return [{ ...noChannel(name), severity: 'error' as const }];
      }
      return checkMessageTask(await delivery(), resolver, {
        connection: name,
        asUser: input.as_user === true,
        target,
        signal: ctx.signal,
      });
    },

    async run(input, ctx) {
      const service = await delivery();
      const ticket = service.nextTicket(); // first, before any other await: task-start order
      const plan = rehearsalPlan(ctx.run.mode, readRehearsal(input.rehearsal));
      const text = plan.send ? `${plan.prefix}${input.message}` : input.message;
      const hooks = {
        state: readDeliveryState(ctx.state),
        save: save(ctx),
        log: ctx.log,
        signal: ctx.signal,
        now: () => ctx.now(),
      };
      let spec: MessageSpec;
      try {
        const redirect = plan.send && plan.channelOverride !== undefined;
        if (input.thread || input.update) {
          // A webhook cannot reply or edit: say so before looking for the parent's message (a
          // webhook parent has no ts, which would give a less helpful error).
          let early: ResolvedConnection | undefined;
          try {
            early = await (await connections()).resolve(input.connection ?? DEFAULT_CONNECTION);
          } catch {
            // Reported with its fix when the connection is resolved below.
          }
          const bad =
            early && usesWebhook(early)
              ? webhookProblems(early, {
                  target: undefined,
                  asUser: input.as_user === true,
                  thread: Boolean(input.thread),
                  update: Boolean(input.update),
                }).find((p) => p.severity === 'error')
              : undefined;
          if (bad) throw problemError(bad);
        }
        const thread = input.thread ? parentMessage(ctx, input.thread, 'thread') : undefined;
        const update = input.update ? parentMessage(ctx, input.update, 'update') : undefined;
        const rawTarget = redirect ? plan.channelOverride : input.channel;
        const needsTarget = !(thread || update);
        if ((input.thread || input.update) && needsTarget && rawTarget === undefined && ctx.run.mode === 'rehearsal') {
          // The message it replies to or edits was not sent in this rehearsal: nothing to do either.
          await hooks.save(
            {
              state: 'skipped',
              attempts: 0,
              text,
              channel_name: `${input.thread ? 'thread' : 'message'} of ${input.thread ?? input.update}`,
            },
            'Not sent (rehearsal)',
          );
          return { status: 'succeeded', output: { text } };
        }
        const conn = await (await connections()).resolve(input.connection ?? DEFAULT_CONNECTION);
        if (usesWebhook(conn)) {
          const target =
            needsTarget && rawTarget !== undefined
              ? targetOf(rawTarget, redirect ? 'rehearsal.channel' : 'channel')
              : undefined;
          const bad = webhookProblems(conn, {
            target,
            asUser: input.as_user === true,
            thread: Boolean(input.thread),
            update: Boolean(input.update),
            redirect,
          }).find((p) => p.severity === 'error');
          if (bad) throw problemError(bad);
        } else if (needsTarget && rawTarget === undefined) {
          const p = noChannel(conn.name);
          throw new RunwireError(p.code, p.message, { fix: p.fix, retryable: false });
        }
        const blocks = blocksOf(input.blocks);
        spec = {
          connection: conn,
          asUser: input.as_user === true,
          text,
          run: { id: ctx.run.id, taskId: ctx.task.id },
          ticket,
          ...(needsTarget && rawTarget !== undefined
            ? { target: targetOf(rawTarget, redirect ? 'rehearsal.channel' : 'channel') }
            : {}),
          ...(blocks ? { blocks } : {}),
          ...(input.unfurl_links !== undefined ? { unfurlLinks: input.unfurl_links } : {}),
          ...(thread ? { thread: { ...thread, broadcast: input.broadcast === true } } : {}),
          ...(update ? { update } : {}),
        };
      } catch (err) {
        const e = toRunwireError(err, 'runwire.slack.internal');
        const label = Array.isArray(input.channel) ? input.channel.join(', ') : (input.channel ?? '');
        await hooks.save(
          {
            state: 'failed',
            attempts: hooks.state?.attempts ?? 0,
            text,
            channel_name: label,
            error: { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) },
          },
          `Connection failed: ${e.message}`,
        );
        throw e;
      }
      if (usesWebhook(spec.connection)) {
        const sent = await service.deliverWebhook(spec, hooks);
        return { status: 'succeeded', output: { channel_name: sent.channel_name, text: sent.text } };
      }
      let sent: DeliveryState;
      try {
        sent = await service.deliver(spec, hooks);
      } catch (err) {
        // A rotating token may expire before the resolver's margin says so (clock skew, revoked
        // early): refresh it once (the resolver stores the new pair) and deliver again.
        const refresher = (await connections()) as Partial<Refresher>;
        if (
          !(err instanceof RunwireError) ||
          err.code !== 'runwire.slack.token_expired' ||
          typeof refresher.refreshNow !== 'function'
        )
          throw err;
        const which = spec.asUser || !spec.connection.botToken ? 'user' : 'bot';
        ctx.log.info(
          `The ${which} token of connection "${spec.connection.name}" expired; refreshing it and sending again`,
        );
        const fresh = await refresher.refreshNow(spec.connection.name, which);
        sent = await service.deliver({ ...spec, connection: fresh }, { ...hooks, state: readDeliveryState(ctx.state) });
      }
      return {
        status: 'succeeded',
        output: { channel: sent.channel, ts: sent.ts, permalink: sent.permalink, text: sent.text },
      };
    },
  });
}
