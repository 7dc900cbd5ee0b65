#!/usr/bin/env node
// The `runwire` command: a thin launcher for the compiled CLI (built by `npm install` / `npm run build`).
// It loads the CLI bundled by esbuild (dist/cli/, a few chunks: start-up cost is paid per module) when
// the build made one, else the tsc output (dist/src/), e.g. after a quick `npx tsc -p tsconfig.json`.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/src/cli/main.js');

main(process.argv).then(
  (code) => {
    process.exitCode = code ?? 0;
  },
  (err) => {
    process.stderr.write(`runwire: ${err?.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
