/**
 * Operating from Slack (issue 14 item 2): who may do what with `/runwire`, and the run thread's
 * outcome reply.
 *
 * - `slack_user_roles`: a Slack person or user group (as written: `@alice`, `@release-managers`,
 *   `U…`, `S…`) → a Runwire role (viewer, operator, admin). A person's role is the highest of the
 *   entries that name them directly or through a user group (resolved through the Web API on use).
 * - `run_boards.reply`: the outcome reply in the thread of a run started from Slack (its delivery
 *   state; claimed by setting it, so it is posted once).
 */
import type { Migration } from './index.js';

const sql = `CREATE TABLE slack_user_roles (
  subject TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL
);
ALTER TABLE run_boards ADD COLUMN reply TEXT;
ALTER TABLE run_boards ADD COLUMN reply_on_end INTEGER NOT NULL DEFAULT 0;`;

export const migration701: Migration = {
  id: 701,
  name: "slack users' roles, run thread replies",
  sqlite: sql,
  postgres: sql,
};
