/**
 * A graph of more than LARGE_GRAPH (200) tasks opens readable on its first tasks and React Flow draws
 * only the nodes in view; panning brings others in. Real server, real Chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logIn, startWeb } from '../helpers/web.js';

function layered(n: number, width: number): string {
  const tasks: string[] = [];
  for (let i = 0; i < n; i++) {
    const dep = i >= width ? `    depends_on: [t${i - width}]\n` : '';
    tasks.push(`  - id: t${i}\n    name: Task ${i}\n    type: milestone\n${dep}`);
  }
  return `name: Big graph\ntasks:\n${tasks.join('')}`;
}

test('a 300-task graph draws only the nodes in view, starting on its first tasks', { timeout: 120_000 }, async (t) => {
  const web = await startWeb();
  t.after(() => web.close());
  const s = web.server;
  const put = await s.call('/api/runbooks/big', {
    method: 'PUT',
    token: web.tokens.admin,
    headers: { 'content-type': 'application/yaml' },
    body: layered(300, 30),
  });
  assert.equal(put.status, 201, put.text);
  const page = await web.page({ width: 1280, height: 900 });
  await logIn(page, s, web.tokens.viewer, '/runbooks/big');
  const graph = page.getByTestId('task-graph');
  await graph.locator('.react-flow__node[data-id="t0"]').waitFor();
  const drawn = await graph.locator('.react-flow__node').count();
  assert.ok(drawn > 0 && drawn < 100, `only the nodes in view are drawn (${drawn} of 300)`);
  assert.equal(await graph.locator('.react-flow__node[data-id="t299"]').count(), 0, 'the last task is out of view');
  // Readable: a node is drawn at least half its size (not zoomed out to fit all 300).
  const box = await graph.locator('.react-flow__node[data-id="t0"]').boundingBox();
  assert.ok(box && box.width >= 110, `t0 is ${box?.width}px wide`);
  // Panning down brings later tasks into view.
  const area = await graph.boundingBox();
  assert.ok(area);
  await page.mouse.move(area.x + area.width / 2, area.y + area.height - 20);
  await page.mouse.down();
  await page.mouse.move(area.x + area.width / 2, area.y + 20, { steps: 8 });
  await page.mouse.up();
  await graph.locator('.react-flow__node[data-id="t60"]').waitFor();
  assert.deepEqual(web.problems, []);
});
