/**
 * Stores loaded on first use: the SQLite runtime's Slack connection store and pacing store are
 * imported (and prepare their statements) only when a command first calls them, so a `run` of a
 * runbook without Slack tasks, or `runs list`, never loads their modules (or `node:crypto`).
 */
import type { ConnectionStore } from '../slack/connections/store.js';
import type { PacingStore } from '../slack/delivery/shared-pacing.js';

function once<T>(load: () => Promise<T>): { get: () => Promise<T>; loaded: () => Promise<T> | undefined } {
  let p: Promise<T> | undefined;
  return { get: () => (p ??= load()), loaded: () => p };
}

export function lazyConnectionStore(load: () => Promise<ConnectionStore>): ConnectionStore {
  const s = once(load);
  return {
    list: async () => (await s.get()).list(),
    get: async (name) => (await s.get()).get(name),
    insert: async (record) => (await s.get()).insert(record),
    update: async (name, mutate) => (await s.get()).update(name, mutate),
    lockedUpdate: async (name, work) => (await s.get()).lockedUpdate(name, work),
    remove: async (name) => (await s.get()).remove(name),
    close: async () => {
      const p = s.loaded();
      if (p) await (await p).close();
    },
  };
}

export function lazyPacingStore(load: () => Promise<PacingStore>): PacingStore {
  const s = once(load);
  return { update: async (key, decide) => (await s.get()).update(key, decide) };
}
