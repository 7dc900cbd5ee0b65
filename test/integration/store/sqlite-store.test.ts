/** The Store contract on a real SQLite file in a temp data dir. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { storeContract } from './store-contract.js';

storeContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runwire-store-'));
  return { store: SqliteStore.open(dir), reopen: async () => SqliteStore.open(dir) };
});
