/** What a task does in a rehearsal, in words: its own `rehearsal` field, else its type's default. Pure. */

export function rehearsalText(field: unknown, typeDefault: 'run' | 'skip' | undefined): string {
  if (field === 'run' || field === 'send') return 'runs in rehearsal';
  if (field === 'skip') return 'skipped in rehearsal';
  if (field && typeof field === 'object' && typeof (field as { channel?: unknown }).channel === 'string')
    return `sent to ${(field as { channel: string }).channel} in rehearsal`;
  if (typeDefault === 'skip') return 'skipped in rehearsal (type default)';
  if (typeDefault === 'run') return 'runs in rehearsal (type default)';
  return '';
}
