/** Paths tests need, computed from this file's place in dist/test/helpers/. */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

/** The checkout's root (where package.json is). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The `runwire` launcher, to spawn as a child process: `node <cliBin> ...`. */
export const cliBin = resolve(repoRoot, 'bin/runwire.js');
/** Source fixtures (not compiled): test/fixtures/. */
export const fixturesDir = resolve(repoRoot, 'test/fixtures');
/** The shared Slack reference material beside the checkout. */
export const slackReferenceDir = resolve(repoRoot, '../shared/reference/slack');
