/**
 * Wire connections for one data dir: the SQLite store, the vault with the data dir's key, the
 * service and the resolver. What the CLI and the engine call; the caller closes it.
 */
import { loadSecretKey } from './secret-key.js';
import { SqliteConnectionStore } from './sqlite-store.js';
import { ConnectionService } from './service.js';
import { StoreConnectionResolver, type ResolverOptions } from './resolver.js';
import { ConnectionVault } from './vault.js';

export interface OpenedConnections {
  service: ConnectionService;
  resolver: StoreConnectionResolver;
  close(): Promise<void>;
}

export function openConnections(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  opts: ResolverOptions & { now?: () => number } = {},
): OpenedConnections {
  const store = SqliteConnectionStore.open(dataDir);
  try {
    const vault = new ConnectionVault(loadSecretKey(dataDir, env));
    const service = new ConnectionService({ store, vault, env, ...(opts.now ? { now: opts.now } : {}) });
    return { service, resolver: new StoreConnectionResolver(service, opts), close: () => store.close() };
  } catch (err) {
    void store.close();
    throw err;
  }
}
