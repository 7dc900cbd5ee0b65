import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ancestors, buildGraph, dependents, descendants, findCycles, topoOrder } from '../../../src/core/graph.js';

const diamond = buildGraph([
  { id: 'a', depends_on: [] },
  { id: 'c', depends_on: ['a'] },
  { id: 'b', depends_on: ['a'] },
  { id: 'd', depends_on: ['b', 'c'] },
]);

test('topological order puts dependencies first and keeps declaration order for ties', () => {
  const { order, blocked } = topoOrder(diamond);
  assert.deepEqual(order, ['a', 'c', 'b', 'd']);
  assert.deepEqual(blocked, []);
});

test('ancestors, descendants and direct dependents', () => {
  assert.deepEqual([...ancestors(diamond, 'd')].sort(), ['a', 'b', 'c']);
  assert.deepEqual([...ancestors(diamond, 'a')], []);
  assert.deepEqual([...descendants(diamond, 'a')].sort(), ['b', 'c', 'd']);
  assert.deepEqual(dependents(diamond, 'a'), ['c', 'b']);
  assert.deepEqual(dependents(diamond, 'd'), []);
});

test('a cycle is reported as a path from its earliest task back to it', () => {
  const g = buildGraph([
    { id: 'start', depends_on: [] },
    { id: 'x', depends_on: ['start', 'z'] },
    { id: 'y', depends_on: ['x'] },
    { id: 'z', depends_on: ['y'] },
    { id: 'after', depends_on: ['z'] },
  ]);
  assert.deepEqual(findCycles(g), [['x', 'z', 'y', 'x']]);
  const { order, blocked } = topoOrder(g);
  assert.deepEqual(order, ['start']);
  assert.deepEqual(blocked, ['x', 'y', 'z', 'after']);
});

test('self loops and separate cycles are each reported once', () => {
  const g = buildGraph([
    { id: 'self', depends_on: ['self'] },
    { id: 'p', depends_on: ['q'] },
    { id: 'q', depends_on: ['p'] },
    { id: 'ok', depends_on: [] },
  ]);
  assert.deepEqual(findCycles(g), [
    ['self', 'self'],
    ['p', 'q', 'p'],
  ]);
  assert.deepEqual(findCycles(diamond), []);
});

test('unknown dependencies and duplicate ids do not break the graph', () => {
  const g = buildGraph([
    { id: 'a', depends_on: ['ghost'] },
    { id: 'a', depends_on: [] },
    { id: 'b', depends_on: ['a', 'a'] },
  ]);
  assert.deepEqual(g.ids, ['a', 'b']);
  assert.deepEqual(g.deps.get('b'), ['a']);
  assert.deepEqual(topoOrder(g).order, ['a', 'b']);
});

test('a 10,000-task chain is handled without deep recursion', () => {
  const n = 10_000;
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    depends_on: i === 0 ? [`t${n - 1}`] : [`t${i - 1}`],
  }));
  const cycles = findCycles(buildGraph(nodes));
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0]!.length, n + 1);
  const chain = buildGraph(nodes.map((x, i) => (i === 0 ? { id: x.id, depends_on: [] } : x)));
  assert.equal(topoOrder(chain).order.length, n);
  assert.equal(ancestors(chain, `t${n - 1}`).size, n - 1);
});
