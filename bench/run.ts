/**
 * `npm run bench`: run every `*.bench.js` next to this file (compiled from bench/*.bench.ts), one at
 * a time as child processes so each measures its own memory. `npm run bench -- engine` runs only
 * the files whose name contains "engine".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort();
if (files.length === 0) {
  process.stderr.write(`no bench files${filter ? ` matching "${filter}"` : ''} in ${here}\n`);
  process.exitCode = 1;
}
for (const f of files) {
  process.stdout.write(`\n=== ${f} ===\n`);
  const r = spawnSync(process.execPath, [join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
