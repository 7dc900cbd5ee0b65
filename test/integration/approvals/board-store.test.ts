/**
 * The run boards' rows on SQLite and PostgreSQL (real runtimes, two of them on one database as two
 * processes would be): the right to post a board is given once among concurrent claimants, taken
 * over only after an unsent claim ran out, never once sent; an older render never replaces a newer
 * one or the final one; the thread's outcome reply is claimed once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRuntime, type Runtime } from '../../../src/runtime/open-runtime.js';
import { BoardStore } from '../../../src/slack/board/store.js';
import { freshSchema, pgUrlWithSchema } from '../../helpers/server.js';

for (const backend of ['sqlite', 'postgres'] as const) {
  test(`${backend}: board rows — one poster, stale renders refused, one outcome reply`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'runwire-boards-'));
    const config = {
      dataDir,
      ...(backend === 'postgres' ? { databaseUrl: pgUrlWithSchema(freshSchema('runwire_boards')) } : {}),
    };
    const a: Runtime = await openRuntime(config);
    const b: Runtime = await openRuntime(config);
    try {
      const [x, y] = [new BoardStore(a.sql), new BoardStore(b.sql)];
      const now = Date.now();
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? x : y).claimPost('r1', `w${i}`, now, now + 60_000)),
      );
      assert.equal(claims.filter(Boolean).length, 1, 'one claimant posts');
      const owner = `w${claims.indexOf(true)}`;
      assert.equal(await x.claimPost('r1', owner, now, now + 60_000), true, 'the owner may claim again');
      assert.equal(await y.claimPost('r1', 'late', now + 1000, now + 61_000), false, 'a live claim holds');
      assert.equal(
        await y.claimPost('r1', 'late', now + 61_000, now + 121_000),
        true,
        'an expired unsent claim is taken over',
      );
      await x.saveState('r1', { state: 'sent', attempts: 1, channel: 'C1', ts: '1.2', delivery_id: 'd' });
      assert.equal(
        await x.claimPost('r1', 'other', now + 999_999, now + 1_999_999),
        false,
        'a sent board is never posted again',
      );
      assert.equal((await y.get('r1'))?.state?.ts, '1.2');

      assert.equal(await x.takeRender('r1', 10, false), true);
      assert.equal(await y.takeRender('r1', 9, false), false, 'an older render loses');
      assert.equal(await y.takeRender('r1', 11, true), true, 'the final render');
      assert.equal(await x.takeRender('r1', 12, false), false, 'nothing replaces the final render');

      await x.replyOnEnd('r1');
      const replies = await Promise.all([x.claimReply('r1'), y.claimReply('r1'), x.claimReply('r1')]);
      assert.equal(replies.filter(Boolean).length, 1, 'the outcome reply is claimed once');
      assert.equal(await x.claimReply('nope'), false);
    } finally {
      await b.close();
      await a.close();
    }
  });
}
