#!/usr/bin/env node
// The `runwire` command: a thin launcher for the compiled CLI (built by `npm install` / `npm run build`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code ?? 0;
  },
  (err) => {
    process.stderr.write(`runwire: ${err?.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
