/**
 * Round trips to PostgreSQL per run, counted in this process: every `query` a `pg` client sends (the
 * pool's, LISTEN's, the liveness lock's) is one round trip. Counts the create phase (the run service's
 * `create`) apart from the drive phase (an in-process `Worker` claiming and driving the runs).
 */
import pg from 'pg';
import { RunService } from '../src/engine/run-service.js';
import { Worker } from '../src/engine/worker.js';
import type { Runbook } from '../src/core/runbook.js';
import { builtinTaskTypes } from '../src/tasks/index.js';
import { openRuntime } from '../src/runtime/open-runtime.js';
import { setTimeout as delay } from 'node:timers/promises';

let counted = 0;
let patched = false;
/** Clients of the bench itself (its polling), not counted. */
const excluded = new WeakSet<object>();

/** Count every query sent by any `pg` client of this process from now on. */
function patchPg(): void {
  if (patched) return;
  patched = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: object, ...args: unknown[]) {
    if (!excluded.has(this)) counted++;
    return original.apply(this, args);
  };
}

export interface RoundTrips {
  runs: number;
  create: number;
  drive: number;
}

/** Create `runs` runs of `runbook`, then drive them with one in-process worker; round trips per phase. */
export async function countRoundTrips(url: string, runbook: Runbook, runs: number): Promise<RoundTrips> {
  patchPg();
  const rt = await openRuntime({ dataDir: '/nonexistent-not-used', databaseUrl: url, poolSize: 8 });
  try {
    const service = new RunService({ store: rt.store });
    const ids = new Set<string>();
    const c0 = counted;
    for (let i = 0; i < runs; i++)
      ids.add((await service.create(runbook, { mode: 'live', vars: {}, actor: 'bench' })).run.id);
    const create = counted - c0;
    const worker = new Worker({ store: rt.store, types: builtinTaskTypes(), concurrency: 32 });
    const d0 = counted;
    // The bench's own polling goes through a client of its own, not counted.
    const poll = new pg.Client({ connectionString: url });
    excluded.add(poll);
    await poll.connect();
    try {
      await worker.start({ claim: true });
      for (;;) {
        const r = await poll.query("SELECT count(*)::int AS n FROM runs WHERE status = 'succeeded' AND id = ANY($1)", [
          [...ids],
        ]);
        if ((r.rows[0] as { n: number }).n >= runs) break;
        await delay(20);
      }
      await worker.drain(5000);
    } finally {
      await poll.end();
    }
    return { runs, create: create / runs, drive: (counted - d0) / runs };
  } finally {
    await rt.close();
  }
}
