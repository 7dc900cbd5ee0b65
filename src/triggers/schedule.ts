/**
 * The schedule trigger: a cron pattern in a time zone starts a run at each occurrence. The event is
 * one occurrence; its dedupe key (trigger and scheduled time) is what makes it fire once across
 * every server, worker and restart (a unique key in the database). When it fires, and what happens
 * to occurrences missed during downtime, is `schedule-occurrences.ts`.
 */
import { Type } from '../core/typebox.js';
import { compileSchedule } from './schedule-occurrences.js';
import { defineTriggerType } from './trigger-type.js';

/** One occurrence of a schedule. */
export interface ScheduleOccurrence {
  /** `<runbook>/<trigger id>`. */
  trigger: string;
  /** Epoch ms of the occurrence. */
  scheduledFor: number;
}

export const scheduleTriggerConfig = Type.Object(
  {
    cron: Type.String({
      title: 'Cron',
      description: 'When: 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "30 2 * * 1-5".',
    }),
    timezone: Type.Optional(
      Type.String({ title: 'Time zone', description: 'An IANA time zone such as Europe/London (default UTC).' }),
    ),
    missed: Type.Optional(
      Type.Union([Type.Literal('skip'), Type.Literal('once'), Type.Literal('all')], {
        title: 'Missed occurrences',
        description: 'After downtime: skip them, fire the latest once, or fire all (at most 100).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const scheduleTrigger = defineTriggerType({
  type: 'schedule',
  title: 'Schedule',
  description: 'Starts a run at each occurrence of a cron pattern, once across every server and worker.',
  fields: scheduleTriggerConfig,
  check(f) {
    const compiled = compileSchedule(f.cron, f.timezone ?? 'UTC');
    const problems =
      'error' in compiled
        ? [{ field: compiled.error.startsWith('unknown time zone') ? 'timezone' : 'cron', message: compiled.error }]
        : [];
    return { problems, values: ['scheduled_for'] };
  },
  config: scheduleTriggerConfig,
  match: () => ({ matched: true, groups: {} }),
  dedupeKey: (o: ScheduleOccurrence) => `${o.trigger}@${new Date(o.scheduledFor).toISOString()}`,
  toVars: (o) => ({ 'trigger.scheduled_for': new Date(o.scheduledFor).toISOString() }),
});
