/**
 * A structural check of Block Kit blocks, enough to answer `invalid_blocks` where Slack would:
 * not an array, more than 50 blocks, a block without a known `type`, a malformed text object, and
 * Block Kit's documented limits — `block_id` (≤ 255) and `action_id` (≤ 255) unique in the message,
 * a header's text ≤ 150, a section's fields ≤ 10 of ≤ 2000, context elements ≤ 10, actions elements
 * ≤ 25, a button's plain_text ≤ 75 and value ≤ 2000. Pure; returns a reason or undefined.
 */
const BLOCK_TYPES = new Set([
  'section',
  'divider',
  'header',
  'context',
  'actions',
  'image',
  'input',
  'rich_text',
  'file',
  'video',
  'markdown',
  'call',
]);

function textProblem(t: unknown, where: string, plainOnly = false): string | undefined {
  if (typeof t !== 'object' || t === null) return `${where} must be a text object`;
  const o = t as Record<string, unknown>;
  if (o.type !== 'plain_text' && (plainOnly || o.type !== 'mrkdwn'))
    return `${where}.type must be ${plainOnly ? 'plain_text' : 'plain_text or mrkdwn'}`;
  if (typeof o.text !== 'string' || o.text.length === 0) return `${where}.text must be a non-empty string`;
  if (o.text.length > 3000) return `${where}.text is longer than 3000 characters`;
  return undefined;
}

function limitProblem(text: unknown, where: string, max: number): string | undefined {
  const t = (text as { text?: unknown } | undefined)?.text;
  return typeof t === 'string' && t.length > max ? `${where}.text is longer than ${max} characters` : undefined;
}

/** An interactive element of an actions block or a section accessory; `actionIds` collects the ids. */
function elementProblem(e: unknown, where: string, actionIds: Set<string>): string | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return `${where} must be an object`;
  const o = e as Record<string, unknown>;
  if (typeof o.type !== 'string') return `${where}.type is missing`;
  if (o.action_id !== undefined) {
    if (typeof o.action_id !== 'string' || o.action_id.length > 255)
      return `${where}.action_id must be ≤ 255 characters`;
    if (actionIds.has(o.action_id)) return `action_id ${o.action_id} is used twice in the message`;
    actionIds.add(o.action_id);
  }
  if (o.type === 'button') {
    const p = textProblem(o.text, `${where}.text`, true) ?? limitProblem(o.text, where, 75);
    if (p) return p;
    if (o.value !== undefined && (typeof o.value !== 'string' || o.value.length > 2000))
      return `${where}.value must be ≤ 2000 characters`;
  }
  return undefined;
}

export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 blocks';
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  for (const [i, b] of blocks.entries()) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return `blocks[${i}] must be an object`;
    const o = b as Record<string, unknown>;
    if (typeof o.type !== 'string' || !BLOCK_TYPES.has(o.type)) return `blocks[${i}].type is not a known block type`;
    if (o.block_id !== undefined) {
      if (typeof o.block_id !== 'string' || o.block_id.length > 255)
        return `blocks[${i}].block_id must be ≤ 255 characters`;
      if (blockIds.has(o.block_id)) return `block_id ${o.block_id} is used twice in the message`;
      blockIds.add(o.block_id);
    }
    const p = limitsProblem(o, `blocks[${i}]`, actionIds);
    if (p) return p;
    if (o.type === 'section') {
      if (o.text === undefined && o.fields === undefined) return `blocks[${i}] (section) needs text or fields`;
      if (o.text !== undefined) {
        const p = textProblem(o.text, `blocks[${i}].text`);
        if (p) return p;
      }
    }
    if (o.type === 'header') {
      const p = textProblem(o.text, `blocks[${i}].text`, true);
      if (p) return p;
    }
    if (o.type === 'context' && !Array.isArray(o.elements)) return `blocks[${i}] (context) needs elements`;
    if (o.type === 'actions' && !Array.isArray(o.elements)) return `blocks[${i}] (actions) needs elements`;
  }
  return undefined;
}

/** Block Kit's per-block limits (see the module comment). */
function limitsProblem(o: Record<string, unknown>, where: string, actionIds: Set<string>): string | undefined {
  if (o.type === 'header') return limitProblem(o.text, where, 150);
  if (o.type === 'section') {
    if (Array.isArray(o.fields)) {
      if (o.fields.length > 10) return `${where}.fields: no more than 10`;
      for (const [j, f] of o.fields.entries()) {
        const p = textProblem(f, `${where}.fields[${j}]`) ?? limitProblem(f, `${where}.fields[${j}]`, 2000);
        if (p) return p;
      }
    }
    if (o.accessory !== undefined) return elementProblem(o.accessory, `${where}.accessory`, actionIds);
  }
  if (o.type === 'context' && Array.isArray(o.elements) && o.elements.length > 10)
    return `${where}.elements: no more than 10`;
  if (o.type === 'actions' && Array.isArray(o.elements)) {
    if (o.elements.length > 25) return `${where}.elements: no more than 25`;
    for (const [j, e] of o.elements.entries()) {
      const p = elementProblem(e, `${where}.elements[${j}]`, actionIds);
      if (p) return p;
    }
  }
  return undefined;
}
