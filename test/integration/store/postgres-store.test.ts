/**
 * The Store contract on PostgreSQL (127.0.0.1:5432, database `test`, user `postgres`, or
 * RUNWIRE_TEST_PG_URL), each test in a fresh schema that is left behind to look at.
 */
import { randomBytes } from 'node:crypto';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { storeContract } from './store-contract.js';

const url = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

storeContract('postgres', async () => {
  const schema = `runwire_store_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const open = () => PostgresStore.open({ connectionString: url, schema });
  const store = await open();
  const extra: PostgresStore[] = [];
  return {
    store,
    reopen: async () => {
      const s = await open();
      extra.push(s);
      return s;
    },
  };
});
