/**
 * A runbook of `--runbooks DIR` whose file is invalid now: the runbook page shows the file as it is
 * with each issue at its line (the version in use below it), and a file that has never been valid
 * shows its text with the issues too. Real server, real files, real Chromium, axe-core.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkA11y, logIn, screenshot, startWeb } from '../helpers/web.js';

const GOOD =
  'name: Nightly\ntasks:\n  - id: start\n    type: milestone\n  - id: end\n    type: milestone\n    depends_on: [start]\n';
const BROKEN = GOOD.replace('depends_on: [start]', 'depends_on: [strat]');

test('an invalid --runbooks file shows its current text with each issue at its line', {
  timeout: 120_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-web-runbooks-'));
  writeFileSync(join(dir, 'nightly.yaml'), GOOD);
  writeFileSync(join(dir, 'never.yaml'), 'name: Never\ntasks:\n  - id: a\n    type: nope\n');
  const web = await startWeb('sqlite', { runbooksDir: dir });
  t.after(() => web.close());
  const s = web.server;
  const loaded = s.runbooks!.loaded('nightly');
  writeFileSync(join(dir, 'nightly.yaml'), BROKEN);
  await loaded;

  const page = await web.page();
  await logIn(page, s, web.tokens.viewer, '/runbooks/nightly');
  await page.getByRole('heading', { name: 'Nightly', level: 1 }).waitFor();
  const line = BROKEN.split('\n').findIndex((l) => l.includes('[strat]')) + 1;
  const current = page.getByTestId('current-source');
  const marked = current.locator(`.line.has-issue[data-line="${line}"]`);
  await marked.waitFor();
  assert.match(await marked.innerText(), /depends_on: \[strat\]/);
  assert.match(await marked.getByRole('note').innerText(), /strat/);
  assert.equal(await current.locator('.line.has-issue').count(), 1, 'only the line with the issue is marked');
  // The version in use is still shown, unmarked, and it is the good text.
  const inUse = page.getByTestId('source');
  assert.match(await inUse.innerText(), /depends_on: \[start\]/);
  assert.equal(await inUse.locator('.has-issue').count(), 0);
  await checkA11y(page, 'runbook file with issues');
  await screenshot(page, 'runbook-file-issues');

  // A file that has never been valid: its text with the issue at line 4.
  await page.goto(`${s.url}/runbooks/never`);
  const never = page.getByTestId('source').locator('.line.has-issue[data-line="4"]');
  await never.waitFor();
  assert.match(await never.innerText(), /type: nope/);
  await checkA11y(page, 'never-valid runbook file');
  assert.deepEqual(
    web.problems.filter((p) => !/422/.test(p)),
    [],
    'no console errors but the 422 of the never-valid runbook',
  );
});
