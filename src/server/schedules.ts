/**
 * The scheduler of a process that runs workers (`runwire server`, `runwire worker`): the library's
 * schedules over the server's tables, claims in `schedule_fires`, runs through the run service, on
 * the run store's clock (the database's on PostgreSQL).
 */
import { newOwnerId } from '../engine/ids.js';
import type { RunService } from '../engine/run-service.js';
import type { Store } from '../store/store.js';
import type { TriggerGate } from '../triggers/scheduler/contracts.js';
import { triggerStoreGate } from '../triggers/scheduler/trigger-store-gate.js';
import { SqlTriggerStore } from './store/sql-trigger-store.js';
import { Scheduler, type SchedulerOptions } from '../triggers/scheduler/scheduler.js';
import { LibraryScheduleSource } from './library/schedule-source.js';
import type { Sql } from './store/sql.js';
import { ScheduleStore } from './store/schedule-store.js';

export interface ProcessSchedulerOptions {
  sql: Sql;
  store: Store;
  service: RunService;
  /** Enabled state and history (default: the trigger store on the same tables). */
  gate?: TriggerGate;
  log?: (line: string) => void;
  /** Test and bench knobs. */
  tuning?: Pick<SchedulerOptions, 'maxSleepMs' | 'graceMs' | 'unfinishedAfterMs' | 'concurrency'>;
}

export function processScheduler(o: ProcessSchedulerOptions): Scheduler {
  return new Scheduler({
    source: new LibraryScheduleSource(o.sql),
    fires: new ScheduleStore(o.sql),
    service: o.service,
    clock: () => o.store.now(),
    owner: newOwnerId(),
    gate: o.gate ?? triggerStoreGate(new SqlTriggerStore(o.sql)),
    ...(o.log ? { log: o.log } : {}),
    ...o.tuning,
  });
}
