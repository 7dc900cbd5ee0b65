#!/usr/bin/env node
// The `runwire` command: a thin launcher for the compiled CLI (built by `npm install` / `npm run build`).
// It loads the CLI bundled by rolldown (dist/cli/, tools/bundle-cli.ts: Node 20 pays per module loaded)
// when the build made one after the last tsc run, else the tsc output (dist/src/): a quick
// `npx tsc -p tsconfig.json` after a change is not hidden by an older bundle.
import { statSync } from 'node:fs';

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = mtime('../dist/cli/meta.json');
const compiled = mtime('../dist/.tsbuildinfo');
const fresh = bundled !== undefined && (compiled === undefined || bundled >= compiled);
const { main } = await import(fresh ? '../dist/cli/main.js' : '../dist/src/cli/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code ?? 0;
  },
  (err) => {
    process.stderr.write(`runwire: ${err?.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
