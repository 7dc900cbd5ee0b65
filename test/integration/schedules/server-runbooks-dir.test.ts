/**
 * A schedule in a `runwire server --runbooks DIR` file, end to end over the HTTP API: it fires, a
 * disable through the API pauses it (its occurrences are recorded `disabled`), and while the file is
 * invalid its occurrences are recorded `invalid_runbook` with the issue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer } from '../../helpers/server.js';
import { until } from '../worker/helpers.js';
import { scheduledYaml, tempDataDir } from './helpers.js';

test('a --runbooks file schedule fires, pauses when disabled over the API, and records an invalid file', async () => {
  const dir = join(tempDataDir(), 'runbooks');
  mkdirSync(dir);
  const file = join(dir, 'pulse.yaml');
  writeFileSync(file, scheduledYaml('pulse', [{ id: 'beat', cron: '* * * * * *' }]));
  const s = await startTestServer('sqlite', { runbooksDir: dir });
  try {
    const admin = (await s.runtime.tokens.create('admin', 't-admin')).token;
    const history = async (): Promise<Array<{ outcome: string; run_id: string | null; detail: string | null }>> => {
      const r = await s.call('/api/triggers/pulse/beat/history?limit=100', { token: admin });
      assert.equal(r.status, 200, r.text);
      return r.body;
    };
    const seen = async (outcome: string): Promise<boolean> => (await history()).some((e) => e.outcome === outcome);
    await until(
      () => seen('started'),
      15_000,
      () => JSON.stringify(s.logLines.slice(-5)),
    );
    const started = (await history()).find((e) => e.outcome === 'started')!;
    const run = await s.call(`/api/runs/${started.run_id}`, { token: admin });
    assert.equal(run.status, 200, run.text);

    const off = await s.call('/api/triggers/pulse/beat/disable', { method: 'POST', token: admin });
    assert.equal(off.status, 200, off.text);
    await until(() => seen('disabled'), 10_000);
    const on = await s.call('/api/triggers/pulse/beat/enable', { method: 'POST', token: admin });
    assert.equal(on.status, 200, on.text);

    // The file turns invalid: the last good version stays in the library, its fires say why not.
    writeFileSync(file, `${scheduledYaml('pulse', [{ id: 'beat', cron: '* * * * * *' }])}  - bogus: 1\n`);
    await until(() => seen('invalid_runbook'), 10_000);
    const invalid = (await history()).find((e) => e.outcome === 'invalid_runbook')!;
    assert.match(invalid.detail ?? '', /invalid: .*pulse\.yaml:\d+:\d+/);
  } finally {
    await s.close();
  }
});
