/** Helpers for the scheduler's tests: runbooks with schedule triggers in the library, reading fires. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook } from '../../../src/core/parse-runbook.js';
import type { Runbook } from '../../../src/core/runbook.js';
import { builtinTaskTypes } from '../../../src/tasks/index.js';
import type { LibraryStore } from '../../../src/server/store/library-store.js';

export interface ScheduleDecl {
  id?: string;
  cron: string;
  timezone?: string;
  missed?: 'skip' | 'once' | 'all';
  mode?: 'live' | 'rehearsal';
  vars?: Record<string, string>;
}

/** A one-task runbook (a milestone) with schedule triggers, as YAML. */
export function scheduledYaml(name: string, schedules: ScheduleDecl[]): string {
  const triggers = schedules
    .map((s, i) => {
      const lines = [`  - id: ${s.id ?? `every-${i + 1}`}`, '    type: schedule', `    cron: "${s.cron}"`];
      if (s.timezone) lines.push(`    timezone: ${s.timezone}`);
      if (s.missed) lines.push(`    missed: ${s.missed}`);
      if (s.mode) lines.push(`    mode: ${s.mode}`);
      if (s.vars) lines.push(`    vars: ${JSON.stringify(s.vars)}`);
      return lines.join('\n');
    })
    .join('\n');
  return `name: ${name}\nvars:\n  when: unset\ntasks:\n  - id: done\n    type: milestone\ntriggers:\n${triggers}\n`;
}

/** Parse a runbook the way the library does (schedule triggers included) or fail the test. */
export function parseScheduled(yaml: string, file = 'scheduled.yaml'): Runbook {
  const r = parseRunbook(yaml, file, builtinTaskTypes());
  if (!r.runbook) throw new Error(`runbook did not parse: ${JSON.stringify(r.issues)}`);
  return r.runbook;
}

export async function putScheduled(library: LibraryStore, id: string, schedules: ScheduleDecl[]): Promise<void> {
  const source = scheduledYaml(id, schedules);
  await library.put(id, { source, format: 'yaml', runbook: parseScheduled(source, `${id}.yaml`), by: 'test' });
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'runwire-schedules-'));
}
