/**
 * What every web UI test needs: a real server (the built UI in dist/web) with a token per role, a
 * real Chromium page that logs in through the login form, axe-core run inside the page (no serious
 * or critical violation), every console error and page error kept so a test can assert there are
 * none, and screenshots written to docs/screenshots/ so the README's pictures stay true.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type TestBrowser, launchBrowser } from './browser.js';
import { repoRoot } from './paths.js';
import { type Backend, startTestServer, type TestServer } from './server.js';
import type { RoleName } from './roles.js';

const require = createRequire(import.meta.url);
const axeSource = (require('axe-core') as { source: string }).source;

export const screenshotDir = join(repoRoot, 'docs/screenshots');

export interface WebFixture {
  server: TestServer;
  browser: TestBrowser;
  tokens: Record<RoleName, string>;
  /** A fresh page that records console errors and page errors in `problems`. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** Console errors and uncaught page errors seen so far, in any page. */
  problems: string[];
  close(): Promise<void>;
}

export async function startWeb(
  backend: Backend = 'sqlite',
  options: Parameters<typeof startTestServer>[1] = {},
): Promise<WebFixture> {
  const server = await startTestServer(backend, options);
  const browser = await launchBrowser();
  const tokens = {} as Record<RoleName, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    tokens[role] = (await server.runtime.tokens.create(role, `${role}-person`)).token;
  }
  const problems: string[] = [];
  return {
    server,
    browser,
    tokens,
    problems,
    async page(viewport) {
      const page = await browser.context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()} (${page.url()})`);
      });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Log in through the form with a token; waits until the shell shows who is logged in. */
export async function logIn(page: Page, server: TestServer, token: string, path = '/'): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('who').waitFor();
}

/** axe-core on the page as it is now: fails on any serious or critical violation, naming them. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(o: unknown): Promise<{ violations: any[] }> } }).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact as string,
      help: v.help as string,
      nodes: v.nodes.slice(0, 3).map((n: { target: unknown }) => JSON.stringify(n.target)),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: accessibility violations`);
}

/** A full-page screenshot into docs/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}
