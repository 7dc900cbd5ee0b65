/**
 * Thread replies exactly once (issue 12): the Slack ts of each posted reply. A reply claimed but
 * without its ts after a while (the process died between claim and post, or the post's answer was
 * lost) is looked up in the thread by its metadata and posted only if it is not there.
 */
import type { Migration } from './index.js';

const sql = `
ALTER TABLE trigger_history ADD COLUMN reply_started_ts TEXT;
ALTER TABLE trigger_history ADD COLUMN reply_outcome_ts TEXT;
`;

export const migration603: Migration = { id: 603, name: 'trigger reply posted ts', sqlite: sql, postgres: sql };
