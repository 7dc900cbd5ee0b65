/**
 * Build step (after tsc): replace `dist/src/core/typebox.js`, which imports the TypeBox builders the
 * schemas use one by one (`src/core/typebox.ts`), with one module bundling just those builders
 * (~20 KB instead of TypeBox's ~200 modules), so every command that builds a schema loads one file.
 * rolldown, the bundler `tools/bundle-cli.ts` uses too.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const file = fileURLToPath(new URL('../../dist/src/core/typebox.js', import.meta.url));
const bundle = await rolldown({ input: file, platform: 'node', logLevel: 'warn' });
const { output } = await bundle.generate({ format: 'es', codeSplitting: false });
await bundle.close();
const [chunk, ...rest] = output;
if (chunk?.type !== 'chunk' || rest.some((o) => o.type === 'chunk'))
  throw new Error('bundle-typebox: expected one chunk');
writeFileSync(file, chunk.code);
