/** A Slack connection's description (the UI's Main settings tab): what it is for, for people. */
import type { Migration } from './index.js';

export const migration103: Migration = {
  id: 103,
  name: 'slack_connections_description',
  sqlite: 'ALTER TABLE slack_connections ADD COLUMN description TEXT;',
  postgres: 'ALTER TABLE slack_connections ADD COLUMN description TEXT;',
};
