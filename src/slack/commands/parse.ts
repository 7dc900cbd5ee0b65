/**
 * Pure: the `/runwire` command's text, read the way the CLI reads its arguments:
 * `run <runbook> [--rehearsal] [key=value …]`, `status [run]`, `approve|reject <run> <task>`, `help`.
 * Words split on spaces; "double quotes" keep a value with spaces together (`msg="two words"`).
 */
export type SlashCommand =
  | { kind: 'help' }
  | { kind: 'run'; runbook: string; rehearsal: boolean; vars: string[] }
  | { kind: 'status'; run?: string }
  | { kind: 'decide'; decision: 'approve' | 'reject'; run: string; task: string }
  | { kind: 'bad'; message: string };

export const SLASH_HELP = [
  '*/runwire* — operate Runwire runbooks from Slack',
  '• `/runwire run <runbook> [--rehearsal] [key=value …]` — start a run (operator); it reports in a thread here',
  '• `/runwire status [run]` — the latest runs, or one run (viewer)',
  '• `/runwire approve <run> <task>` / `/runwire reject <run> <task>` — decide a waiting manual task (operator)',
  '• `/runwire help` — this text',
].join('\n');

/** Words of a command line: spaces split, "quotes" group (the quotes are dropped). */
export function words(text: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"]+|"[^"]*")+/g;
  for (const m of text.matchAll(re)) out.push(m[0].replace(/"/g, ''));
  return out;
}

export function parseSlashCommand(text: string): SlashCommand {
  const [verb, ...rest] = words(text.trim());
  switch ((verb ?? 'help').toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'run': {
      const flags = rest.filter((w) => w.startsWith('--'));
      const unknown = flags.filter((f) => f !== '--rehearsal');
      if (unknown.length) return { kind: 'bad', message: `unknown option ${unknown.join(', ')} (only --rehearsal)` };
      const args = rest.filter((w) => !w.startsWith('--'));
      const [runbook, ...vars] = args;
      if (!runbook || runbook.includes('='))
        return { kind: 'bad', message: 'say which runbook: `/runwire run <runbook> [--rehearsal] [key=value …]`' };
      return { kind: 'run', runbook, rehearsal: flags.includes('--rehearsal'), vars };
    }
    case 'status':
      if (rest.length > 1) return { kind: 'bad', message: '`/runwire status [run]` takes at most one run id' };
      return rest[0] ? { kind: 'status', run: rest[0] } : { kind: 'status' };
    case 'approve':
    case 'reject': {
      if (rest.length !== 2) return { kind: 'bad', message: `\`/runwire ${verb!.toLowerCase()} <run> <task>\`` };
      return { kind: 'decide', decision: verb!.toLowerCase() as 'approve' | 'reject', run: rest[0]!, task: rest[1]! };
    }
    default:
      return { kind: 'bad', message: `unknown command "${verb}"; try \`/runwire help\`` };
  }
}
