/**
 * The TriggerStore contract, the same suite on SQLite (a temp data dir) and PostgreSQL (a fresh
 * schema of the test database): dedupe by key, including two writers at once, guarded settles,
 * history paging and filters, unsettled entries, enabled state.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openServerRuntime, type ServerRuntime } from '../../../src/server/runtime.js';
import { freshSchemaUrl } from '../../helpers/backends.js';

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`TriggerStore on ${backend}`, () => {
    const opened: ServerRuntime[] = [];
    const open = async (dataDir = mkdtempSync(join(tmpdir(), 'runwire-trig-')), url?: string) => {
      const rt = await openServerRuntime({
        dataDir,
        ...(backend === 'postgres' ? { databaseUrl: url ?? freshSchemaUrl('trig') } : {}),
      });
      opened.push(rt);
      return rt;
    };
    after(async () => {
      for (const rt of opened) await rt.close();
    });

    test('a dedupe key is written once; the second record returns the first entry', async () => {
      const { triggers } = await open();
      const first = await triggers.record({
        kind: 'slack.event',
        connection: 'default',
        dedupeKey: 'slack:T1:Ev1',
        outcome: 'received',
        payload: { event: { text: 'deploy 42' } },
      });
      assert.equal(first.inserted, true);
      const again = await triggers.record({ kind: 'slack.event', dedupeKey: 'slack:T1:Ev1', outcome: 'received' });
      assert.equal(again.inserted, false);
      if (first.inserted && !again.inserted) {
        assert.equal(again.existing.id, first.entry.id);
        assert.deepEqual(again.existing.payload, { event: { text: 'deploy 42' } });
        assert.equal(again.existing.connection, 'default');
      }
      // Entries without a key are never deduped.
      const a = await triggers.record({ kind: 'slack.event', outcome: 'duplicate' });
      const b = await triggers.record({ kind: 'slack.event', outcome: 'duplicate' });
      assert.ok(a.inserted && b.inserted && a.entry.id !== b.entry.id);
    });

    test('two stores on one database racing on 20 keys: each key is inserted exactly once', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'runwire-trig-'));
      const url = freshSchemaUrl('trig');
      const one = await open(dir, url);
      const two = await open(dir, url);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          [one, two].map((rt) =>
            rt.triggers.record({
              kind: 'schedule',
              runbookId: 'r',
              triggerId: 't',
              dedupeKey: `r/t@${i}`,
              outcome: 'received',
            }),
          ),
        ).flat(),
      );
      assert.equal(results.filter((r) => r.inserted).length, 20);
      assert.equal((await one.triggers.history({ limit: 500 })).length, 20);
    });

    test('settle with a guard changes an entry only from the given outcome', async () => {
      const { triggers } = await open();
      const r = await triggers.record({
        kind: 'schedule',
        runbookId: 'r',
        triggerId: 't',
        dedupeKey: 'k',
        scheduledFor: '2026-01-05T02:30:00.000Z',
        outcome: 'received',
      });
      assert.ok(r.inserted);
      const id = r.entry.id;
      assert.equal(await triggers.settle(id, { outcome: 'started', runId: 'run_1' }, 'received'), true);
      assert.equal(await triggers.settle(id, { outcome: 'failed', detail: 'late' }, 'received'), false);
      const got = await triggers.get(id);
      assert.deepEqual(
        [got?.outcome, got?.runId, got?.detail, got?.scheduledFor],
        ['started', 'run_1', null, '2026-01-05T02:30:00.000Z'],
      );
      assert.equal(await triggers.settle(id, { outcome: 'failed', detail: 'why' }), true);
      assert.deepEqual([(await triggers.get(id))?.outcome, (await triggers.get(id))?.runId], ['failed', 'run_1']);
      assert.equal(await triggers.latestScheduledFor('r', 't'), '2026-01-05T02:30:00.000Z');
      assert.equal(await triggers.latestScheduledFor('r', 'other'), undefined);
    });

    test('history: newest first, by trigger and kind, paged; unsettled finds what was left received', async () => {
      const { triggers } = await open();
      for (let i = 0; i < 5; i++) {
        await triggers.record({
          kind: 'slack.message',
          runbookId: 'deploy',
          triggerId: i % 2 ? 'a' : 'b',
          outcome: i === 4 ? 'received' : 'no_match',
          detail: `#${i}`,
        });
      }
      await triggers.record({ kind: 'slack.event', outcome: 'ignored' });
      const a = await triggers.history({ runbookId: 'deploy', triggerId: 'a' });
      assert.deepEqual(
        a.map((e) => e.detail),
        ['#3', '#1'],
      );
      const page1 = await triggers.history({ kind: 'slack.message', limit: 2 });
      assert.deepEqual(
        page1.map((e) => e.detail),
        ['#4', '#3'],
      );
      const page2 = await triggers.history({ kind: 'slack.message', limit: 2, beforeId: page1[1]?.id as number });
      assert.deepEqual(
        page2.map((e) => e.detail),
        ['#2', '#1'],
      );
      assert.equal((await triggers.history()).length, 6);
      const left = await triggers.unsettled('slack.message', new Date(Date.now() + 1000));
      assert.deepEqual(
        left.map((e) => e.detail),
        ['#4'],
      );
      assert.deepEqual(await triggers.unsettled('slack.message', new Date(Date.now() - 60_000)), []);
    });

    test('prune drops decided entries older than the window, keeps undecided and recent ones', async () => {
      let now = new Date('2026-01-01T00:00:00.000Z');
      const { sql } = await open();
      const { SqlTriggerStore } = await import('../../../src/server/store/sql-trigger-store.js');
      const store = new SqlTriggerStore(sql, () => now);
      await store.record({ kind: 'slack.event', dedupeKey: 'old-decided', outcome: 'ignored' });
      await store.record({ kind: 'slack.event', dedupeKey: 'old-undecided', outcome: 'received' });
      now = new Date('2026-02-15T00:00:00.000Z');
      await store.record({ kind: 'slack.event', dedupeKey: 'recent', outcome: 'started' });
      assert.equal(await store.prune(new Date('2026-01-16T00:00:00.000Z')), 1);
      assert.deepEqual((await store.history()).map((e) => e.dedupeKey).sort(), ['old-undecided', 'recent']);
    });

    test('enabled unless disabled; the state says who and when', async () => {
      const { triggers } = await open();
      assert.equal(await triggers.isEnabled('deploy', 'nightly'), true);
      const off = await triggers.setEnabled('deploy', 'nightly', false, 'api:ops');
      assert.deepEqual([off.enabled, off.updatedBy], [false, 'api:ops']);
      assert.equal(await triggers.isEnabled('deploy', 'nightly'), false);
      assert.equal(await triggers.isEnabled('deploy', 'other'), true);
      await triggers.setEnabled('deploy', 'nightly', true, 'cli:alice');
      const states = await triggers.states();
      assert.deepEqual(
        states.map((s) => [s.runbookId, s.triggerId, s.enabled, s.updatedBy]),
        [['deploy', 'nightly', true, 'cli:alice']],
      );
    });
  });
}
