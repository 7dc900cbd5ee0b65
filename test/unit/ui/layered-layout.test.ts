/** The web UI's layout for large graphs: rows by longest path, no overlaps, rows ordered under their parents. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layeredLayout } from '../../../src/ui/layered-layout.js';

const BOX = { width: 100, height: 40, gapX: 10, gapY: 20 };

test('each task sits one row below its deepest dependency; boxes never overlap', () => {
  const tasks = [
    { id: 'a', depends_on: [] },
    { id: 'b', depends_on: ['a'] },
    { id: 'c', depends_on: ['a', 'b'] },
    { id: 'd', depends_on: [] },
    { id: 'e', depends_on: ['d', 'missing'] },
  ];
  const p = layeredLayout(tasks, BOX);
  assert.equal(p.size, 5);
  assert.deepEqual(
    tasks.map((t) => p.get(t.id)!.y / 60),
    [0, 1, 2, 0, 1],
  );
  const all = [...p.values()];
  for (const [i, u] of all.entries()) {
    for (const v of all.slice(i + 1)) {
      const apart = Math.abs(u.x - v.x) >= BOX.width + BOX.gapX || Math.abs(u.y - v.y) >= BOX.height + BOX.gapY;
      assert.ok(apart, `${JSON.stringify(u)} and ${JSON.stringify(v)} overlap`);
    }
  }
});

test('a row follows the order of its parents; rows are centred; cycles do not hang', () => {
  // Parents p0 p1 p2; children listed in reverse: each still lands under its own parent.
  const tasks = [
    { id: 'p0', depends_on: [] },
    { id: 'p1', depends_on: [] },
    { id: 'p2', depends_on: [] },
    { id: 'c2', depends_on: ['p2'] },
    { id: 'c0', depends_on: ['p0'] },
    { id: 'c1', depends_on: ['p1'] },
    { id: 'end', depends_on: ['c0', 'c1', 'c2'] },
  ];
  const p = layeredLayout(tasks, BOX);
  for (const i of [0, 1, 2]) assert.equal(p.get(`c${i}`)!.x, p.get(`p${i}`)!.x);
  assert.equal(p.get('end')!.x, p.get('p1')!.x, 'a single node is centred under a row of three');
  const loop = layeredLayout(
    [
      { id: 'x', depends_on: ['y'] },
      { id: 'y', depends_on: ['x'] },
    ],
    BOX,
  );
  assert.equal(loop.size, 2);
});

test('1,000 tasks in 20 rows of 50', () => {
  const tasks = Array.from({ length: 1000 }, (_, i) => ({ id: `t${i}`, depends_on: i >= 50 ? [`t${i - 50}`] : [] }));
  const p = layeredLayout(tasks, BOX);
  const ys = new Set([...p.values()].map((v) => v.y));
  const xs = new Set([...p.values()].map((v) => v.x));
  assert.equal(ys.size, 20);
  assert.equal(xs.size, 50);
});
