/**
 * A structural check of Block Kit blocks, enough to answer `invalid_blocks` where Slack would:
 * not an array, more than 50 blocks, a block without a known `type`, or a malformed text object.
 * Pure; returns a reason or undefined.
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

export function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'no more than 50 blocks';
  for (const [i, b] of blocks.entries()) {
    if (typeof b !== 'object' || b === null || Array.isArray(b)) return `blocks[${i}] must be an object`;
    const o = b as Record<string, unknown>;
    if (typeof o.type !== 'string' || !BLOCK_TYPES.has(o.type)) return `blocks[${i}].type is not a known block type`;
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
