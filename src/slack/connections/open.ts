/**
 * Wire connections over a connection store: the vault with the data dir's key, the service and the
 * resolver. `connectionsOver` takes the runtime's store (SQLite or PostgreSQL; the runtime closes
 * it); `openConnections` opens the data dir's SQLite file on its own (tests, tools). The caller closes it.
 */
import { DataDirSecretKey } from './secret-key.js';
import { SqliteConnectionStore } from './sqlite-store.js';
import { ConnectionService } from './service.js';
import { StoreConnectionResolver, type ResolverOptions } from './resolver.js';
import type { ConnectionStore } from './store.js';
import { ConnectionVault } from './vault.js';

export interface OpenedConnections {
  service: ConnectionService;
  resolver: StoreConnectionResolver;
  close(): Promise<void>;
}

export type ConnectionsOptions = ResolverOptions & { now?: () => number };

/** Connections over a store someone else owns: `close()` leaves the store open. */
export function connectionsOver(
  store: ConnectionStore,
  dataDir: string,
  env: NodeJS.ProcessEnv,
  opts: ConnectionsOptions = {},
): OpenedConnections {
  const vault = new ConnectionVault(new DataDirSecretKey(dataDir, env));
  const service = new ConnectionService({ store, vault, env, ...(opts.now ? { now: opts.now } : {}) });
  return { service, resolver: new StoreConnectionResolver(service, opts), close: async () => undefined };
}

export function openConnections(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  opts: ConnectionsOptions = {},
): OpenedConnections {
  const store = SqliteConnectionStore.open(dataDir);
  try {
    return { ...connectionsOver(store, dataDir, env, opts), close: () => store.close() };
  } catch (err) {
    void store.close();
    throw err;
  }
}
