/**
 * Forward-only schema migrations, one file each, applied in `id` order inside one transaction
 * per migration. Never edit a migration that has shipped: add a new one.
 *
 * Id ranges keep features apart: 1–99 runs/tasks/events (engine), 100–199 Slack connections,
 * 200–299 Slack delivery, 500–599 the server (tokens, library), 600–619 triggers and schedules,
 * 700–719 operating from Slack (run boards, Slack users' roles).
 */
import { migration001Runs } from './001-runs.js';
import { migration002Workers } from './002-workers.js';
import { migration003CommitFunction } from './003-commit-function.js';
import { migration004CommitBatchFunction } from './004-commit-batch-function.js';
import { migration100 } from './100-connections.js';
import { migration101 } from './101-connection-managed-by.js';
import { migration102 } from './102-connection-locks.js';
import { migration103 } from './103-connection-description.js';
import { migration200 } from './200-slack-pacing.js';
import { migration500 } from './500-server.js';
import { migration700 } from './700-slack-boards.js';
import { migration701 } from './701-slack-users.js';
import { migration510 } from './510-server-drop-unused.js';
import { migration511 } from './511-oauth-states.js';
import { migration520 } from './520-runbook-current-source.js';
import { migration600 } from './600-triggers.js';
import { migration601 } from './601-trigger-replies.js';
import { migration602 } from './602-socket-leases.js';
import { migration603 } from './603-trigger-reply-posted.js';
import { migration610 } from './610-schedules.js';

/** The applied ids this Runwire has no migration for (a newer Runwire wrote them), in order. */
export function unknownMigrations(applied: readonly number[], known: readonly Migration[]): number[] {
  const ids = new Set(known.map((m) => m.id));
  return applied.filter((id) => !ids.has(id)).sort((a, b) => a - b);
}

export interface Migration {
  id: number;
  name: string;
  /** SQL for SQLite (may hold several statements). */
  sqlite: string;
  /** SQL for PostgreSQL (may hold several statements). */
  postgres: string;
}

export const migrations: Migration[] = [
  // Each feature adds its migration modules here, in id order.
  migration001Runs,
  migration002Workers,
  migration003CommitFunction,
  migration004CommitBatchFunction,
  migration100,
  migration101,
  migration102,
  migration103,
  migration200,
  migration500,
  migration510,
  migration511,
  migration520,
  migration600,
  migration601,
  migration602,
  migration603,
  migration610,
  migration700,
  migration701,
];
