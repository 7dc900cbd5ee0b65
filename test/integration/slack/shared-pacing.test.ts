/**
 * Pacing shared through the database: three runtimes opened on one SQLite file or one PostgreSQL
 * schema (each its own handle or pool, as three worker processes would have) take tokens for one
 * channel concurrently; together they never go faster than the bucket allows, a Retry-After
 * recorded by one blocks that channel for all, and another channel is not slowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime, type Runtime } from '../../../src/runtime/open-runtime.js';
import { realClock } from '../../../src/slack/delivery/channel-queue.js';
import { SharedPacer } from '../../../src/slack/delivery/shared-pacing.js';
import { freshSchemaUrl } from '../../helpers/backends.js';
import { perSecond } from '../../../src/core/token-bucket.js';

/** 10 calls a second, no burst: fast enough for a test, slow enough to measure. */
const POLICY = perSecond(10, 1);
const GAP_MS = 100;

async function threeRuntimes(backend: 'sqlite' | 'postgres'): Promise<Runtime[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runwire-pacing-'));
  const databaseUrl = backend === 'postgres' ? freshSchemaUrl('pacing') : undefined;
  const out: Runtime[] = [];
  for (let i = 0; i < 3; i++) out.push(await openRuntime({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) }));
  return out;
}

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: three processes' pacers on one channel keep one pace together`, { timeout: 30_000 }, async () => {
    const rts = await threeRuntimes(backend);
    try {
      const pacers = rts.map((rt) => new SharedPacer(rt.slackPacing, 'post|T1|C-ops', POLICY, realClock));
      const times: number[] = [];
      await Promise.all(
        pacers.map(async (p) => {
          for (let i = 0; i < 8; i++) {
            await p.acquire();
            times.push(performance.now());
          }
        }),
      );
      times.sort((a, b) => a - b);
      assert.equal(times.length, 24);
      // Token i+4 is taken at least 4 gaps after token i. A timestamp is read when the await resumes,
      // up to a loaded event loop's delay late, so allow 100 ms of that; three pacers each at the
      // full rate would give about a third (≈130 ms).
      const windows = times.slice(4).map((t, i) => t - times[i]!);
      assert.ok(Math.min(...windows) >= 4 * GAP_MS - 100, `4-gap windows ${windows.map(Math.round).join(',')}`);
      // Together at the bucket's pace, not three times it: 23 gaps of 100 ms.
      assert.ok(times.at(-1)! - times[0]! >= 23 * GAP_MS - 30, `span ${Math.round(times.at(-1)! - times[0]!)} ms`);
    } finally {
      for (const rt of rts) await rt.close();
    }
  });

  test(`${backend}: a Retry-After seen by one process blocks that channel for all, not another`, {
    timeout: 30_000,
  }, async () => {
    const rts = await threeRuntimes(backend);
    try {
      const [a, b, c] = rts.map((rt) => (key: string) => new SharedPacer(rt.slackPacing, key, POLICY, realClock)) as [
        (k: string) => SharedPacer,
        (k: string) => SharedPacer,
        (k: string) => SharedPacer,
      ];
      const opsA = a('post|T1|C-ops');
      await opsA.acquire();
      const t0 = performance.now();
      opsA.retryAfter(1);
      // Let A's write land, then another process asks for #ops and for #random.
      await new Promise((r) => setTimeout(r, 50));
      const random = performance.now();
      await c('post|T1|C-random').acquire();
      const randomMs = performance.now() - random;
      await b('post|T1|C-ops').acquire();
      const opsMs = performance.now() - t0;
      assert.ok(opsMs >= 950, `#ops waited the 1 s Retry-After in another process (${Math.round(opsMs)} ms)`);
      assert.ok(randomMs < 500, `#random was not blocked (${Math.round(randomMs)} ms)`);
    } finally {
      for (const rt of rts) await rt.close();
    }
  });
}
