/**
 * The text of a `--runbooks DIR` file that is invalid now, kept beside its issues so the API (and the
 * web UI) can show each issue at its line of the file as it is, not of the last good version.
 */
import type { Migration } from './index.js';

const sql = 'ALTER TABLE runbooks ADD COLUMN current_source TEXT;';

export const migration520: Migration = { id: 520, name: 'runbook current source', sqlite: sql, postgres: sql };
