/**
 * Launches Debian's Chromium through playwright-core for end-to-end tests.
 *
 * Shared by every e2e test so the flags stay in one place: headless, no sandbox (tests run as root
 * in containers), no GPU, no QUIC, and nothing that phones home — with a fresh user-data-dir per launch
 * so no state leaks between tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser. */
export const chromiumPath = '/usr/bin/chromium';

/** The flags every test browser runs with. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A running browser with its own profile directory; `close()` removes both. */
export interface TestBrowser {
  /** The persistent context (one profile); open pages with `context.newPage()`. */
  context: BrowserContext;
  /** Closes the browser and deletes its profile directory. */
  close(): Promise<void>;
}

/**
 * Waits for Chromium to be installed (apt may still be installing it on a fresh machine), then
 * launches it. Fails with a clear message if it does not appear within `waitMs`.
 */
export async function launchBrowser(waitMs = 600_000): Promise<TestBrowser> {
  const deadline = Date.now() + waitMs;
  while (!existsSync(chromiumPath)) {
    if (Date.now() > deadline) throw new Error(`${chromiumPath} not found: install Debian's chromium package`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const userDataDir = await mkdtemp(join(tmpdir(), 'runwire-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
