/**
 * The payloads Slack sends an app when a person clicks a button or runs a slash command, as Slack
 * documents them (block_actions: api.slack.com/reference/interaction-payloads/block-actions; slash
 * commands: api.slack.com/interactivity/slash-commands). Pure: every id, clock value and URL comes in.
 */

/** Who, where and which app: the parts every payload shares. */
export interface InteractionContext {
  team: { id: string; domain: string };
  appId: string;
  /** Slack's deprecated verification token, still sent in every payload. */
  verificationToken: string;
  user: { id: string; name: string };
  channel: { id: string; name: string };
  /** Where the app may answer (valid 30 minutes, 5 uses). */
  responseUrl: string;
  triggerId: string;
}

/** The clicked element as it stands in the message's blocks. */
export interface ClickedElement {
  blockId: string;
  element: Record<string, unknown>;
}

/**
 * Finds an interactive element of a message's blocks by `action_id` (and `block_id` when given):
 * buttons in `actions` blocks and section accessories.
 */
export function findElement(blocks: unknown, actionId: string, blockId?: string): ClickedElement | undefined {
  if (!Array.isArray(blocks)) return undefined;
  for (const [i, b] of blocks.entries()) {
    if (typeof b !== 'object' || b === null) continue;
    const block = b as Record<string, unknown>;
    // Slack fills in a block_id when the app gave none; the sandbox uses the block's index.
    const id = typeof block.block_id === 'string' ? block.block_id : `b${i}`;
    if (blockId !== undefined && blockId !== id) continue;
    const candidates: unknown[] = [];
    if (block.type === 'actions' && Array.isArray(block.elements)) candidates.push(...block.elements);
    if (block.type === 'section' && block.accessory) candidates.push(block.accessory);
    for (const e of candidates) {
      if (typeof e === 'object' && e !== null && (e as Record<string, unknown>).action_id === actionId) {
        return { blockId: id, element: e as Record<string, unknown> };
      }
    }
  }
  return undefined;
}

/** A `block_actions` payload for a button clicked in a channel message. */
export function blockActionsPayload(
  ctx: InteractionContext,
  message: Record<string, unknown> & { ts: string },
  clicked: ClickedElement,
  actionTs: string,
): Record<string, unknown> {
  const e = clicked.element;
  const action: Record<string, unknown> = {
    type: typeof e.type === 'string' ? e.type : 'button',
    action_id: e.action_id,
    block_id: clicked.blockId,
    action_ts: actionTs,
  };
  if (e.text !== undefined) action.text = e.text;
  if (e.value !== undefined) action.value = e.value;
  if (e.style !== undefined) action.style = e.style;
  return {
    type: 'block_actions',
    user: { id: ctx.user.id, username: ctx.user.name, name: ctx.user.name, team_id: ctx.team.id },
    api_app_id: ctx.appId,
    token: ctx.verificationToken,
    container: { type: 'message', message_ts: message.ts, channel_id: ctx.channel.id, is_ephemeral: false },
    trigger_id: ctx.triggerId,
    team: { id: ctx.team.id, domain: ctx.team.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: ctx.channel.id, name: ctx.channel.name },
    message,
    state: { values: {} },
    response_url: ctx.responseUrl,
    actions: [action],
  };
}

/** A slash command's fields (sent form-encoded over HTTP, as a JSON object over Socket Mode). */
export function slashCommandPayload(ctx: InteractionContext, command: string, text: string): Record<string, string> {
  return {
    token: ctx.verificationToken,
    team_id: ctx.team.id,
    team_domain: ctx.team.domain,
    channel_id: ctx.channel.id,
    channel_name: ctx.channel.name,
    user_id: ctx.user.id,
    user_name: ctx.user.name,
    command,
    text,
    api_app_id: ctx.appId,
    is_enterprise_install: 'false',
    response_url: ctx.responseUrl,
    trigger_id: ctx.triggerId,
  };
}

/** `/runwire deploy 42` → `{ command: '/runwire', text: 'deploy 42' }`; undefined when not a command. */
export function parseSlashInput(input: string): { command: string; text: string } | undefined {
  const m = /^(\/[a-z0-9_-]+)(?:\s+([\s\S]*))?$/i.exec(input.trim());
  if (!m) return undefined;
  return { command: m[1]!.toLowerCase(), text: (m[2] ?? '').trim() };
}

/** What an app's answer (to a response_url, or in the body of a slash command's HTTP reply) asks for. */
export type ResponseAction =
  | { kind: 'delete' }
  | { kind: 'replace'; text: string; blocks?: unknown[] }
  | { kind: 'ephemeral'; text: string; blocks?: unknown[] }
  | { kind: 'in_channel'; text: string; blocks?: unknown[]; thread_ts?: string };

/**
 * Reads a message response as Slack does: `delete_original`, `replace_original` (only where there is
 * an original message), else a new message, ephemeral unless `response_type: in_channel`.
 * Returns an error code Slack would answer for a bad body.
 */
export function readResponse(body: unknown, hasOriginal: boolean): ResponseAction | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'invalid_payload' };
  const b = body as Record<string, unknown>;
  if (b.delete_original === true || b.delete_original === 'true') {
    return hasOriginal ? { kind: 'delete' } : { error: 'message_not_found' };
  }
  const text = typeof b.text === 'string' ? b.text : '';
  const blocks = Array.isArray(b.blocks) ? b.blocks : undefined;
  if (text === '' && blocks === undefined) return { error: 'no_text' };
  const content = { text, ...(blocks ? { blocks } : {}) };
  if (b.replace_original === true || b.replace_original === 'true') {
    return hasOriginal ? { kind: 'replace', ...content } : { error: 'message_not_found' };
  }
  if (b.response_type === 'in_channel') {
    return { kind: 'in_channel', ...content, ...(typeof b.thread_ts === 'string' ? { thread_ts: b.thread_ts } : {}) };
  }
  return { kind: 'ephemeral', ...content };
}
