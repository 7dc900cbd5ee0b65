/** A schedule fires through a real `runwire worker` process on SQLite, and the run it starts runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openServerRuntime } from '../../../src/server/runtime.js';
import { ScheduleStore } from '../../../src/server/store/schedule-store.js';
import { startWorker, until } from '../worker/helpers.js';
import { putScheduled, tempDataDir } from './helpers.js';

test('runwire worker fires a schedule on SQLite; the run gets trigger.scheduled_for and succeeds', async () => {
  const dir = tempDataDir();
  const setup = await openServerRuntime({ dataDir: dir });
  await putScheduled(setup.library, 'every-second', [
    { id: 'tick', cron: '* * * * * *', vars: { when: '{{trigger.scheduled_for}}' } },
  ]);
  await setup.close();
  const worker = await startWorker(dir, [], {});
  const rt = await openServerRuntime({ dataDir: dir });
  try {
    const fires = new ScheduleStore(rt.sql);
    let done: string | undefined;
    await until(
      async () => {
        const ok = (await rt.runtime.store.listRuns({ runbook: 'every-second', status: 'succeeded' }))[0];
        done = ok?.id;
        return done !== undefined;
      },
      20_000,
      () => worker.err(),
    );
    const run = await rt.runtime.store.getRun(done!);
    const fire = (await fires.fires('every-second', 'tick')).find((f) => f.runId === done);
    assert.ok(fire, 'the run is recorded on its occurrence');
    assert.equal(fire.outcome, 'started');
    assert.equal(run?.vars['trigger.scheduled_for'], new Date(fire.scheduledFor).toISOString());
    assert.equal(run?.vars.when, run?.vars['trigger.scheduled_for']);
    assert.equal(fire.scheduledFor % 1000, 0);
  } finally {
    worker.child.kill('SIGTERM');
    await worker.exited;
    await rt.close();
  }
});
