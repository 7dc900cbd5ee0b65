/**
 * Slack operations (issue 14): the live run board — one message per run, kept up to date in place.
 *
 * `run_boards`: one row per run that has a board. `state` is the board message's delivery state
 * (slack delivery's exactly-once state: intent, delivery id, ts once sent); the right to post is
 * claimed atomically (`claim_owner`, `claim_until` epoch ms), so two processes never post the same
 * board, and a claimant that died is taken over after its claim ends (it looks the message up first).
 * `rendered_seq` is the last run event shown, so an older render never replaces a newer one.
 */
import type { Migration } from './index.js';

const sql = (big: string) => `CREATE TABLE run_boards (
  run_id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  claim_owner TEXT,
  claim_until ${big} NOT NULL DEFAULT 0,
  rendered_seq ${big} NOT NULL DEFAULT 0,
  final INTEGER NOT NULL DEFAULT 0,
  updates INTEGER NOT NULL DEFAULT 0
);`;

export const migration700: Migration = {
  id: 700,
  name: 'slack run boards',
  sqlite: sql('INTEGER'),
  postgres: sql('BIGINT'),
};
