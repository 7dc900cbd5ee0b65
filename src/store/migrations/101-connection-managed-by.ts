/**
 * Who manages a Slack connection (issue 8 item 15): `managed_by = 'start'` marks the `default`
 * connection that `runwire start` made for its embedded sandbox, the only one `start` may replace.
 * NULL is a connection someone added (a real workspace, or a local proxy set up by hand).
 *
 * Connections made by an older `runwire start` carry no mark: the one such a start could have made
 * is named `default`, points at loopback and was verified against the sandbox's team "Runwire
 * Sandbox"; that one is marked, anything else stays the user's.
 */
import type { Migration } from './index.js';

const mark = `UPDATE slack_connections SET managed_by = 'start'
  WHERE name = 'default' AND kind = 'bot_token' AND team_name = 'Runwire Sandbox'
    AND (slack_url LIKE 'http://127.%' OR slack_url LIKE 'http://localhost:%' OR slack_url LIKE 'http://[::1]:%');`;

export const migration101: Migration = {
  id: 101,
  name: 'slack_connections_managed_by',
  sqlite: `ALTER TABLE slack_connections ADD COLUMN managed_by TEXT;\n${mark}`,
  postgres: `ALTER TABLE slack_connections ADD COLUMN managed_by TEXT;\n${mark}`,
};
