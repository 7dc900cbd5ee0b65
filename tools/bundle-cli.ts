/**
 * Build step (run by `npm run build` and `prepare`, after tsc, the validators and the TypeBox
 * bundle): bundle the compiled CLI, `dist/src/cli/main.js`, with esbuild into ESM chunks in
 * `dist/cli/` (issue 9, start-up). Node 20 pays per module loaded (resolve, read, compile, link)
 * and has no compile cache, so a `runwire run` that loaded ~135 modules now loads a few dozen
 * chunks. Code splitting keeps every lazy `import()` lazy: a command loads only the chunks its
 * code reaches. `bin/runwire.js` loads this bundle when it exists, else `dist/src/cli/main.js`.
 *
 * Packages are left to Node (external) except a few small pure ones every command loads and
 * better-sqlite3's JavaScript (not its addon); optional dependencies (pg-native), pg and packages
 * that find files next to themselves (pino's transports, the Slack SDK's package.json) stay external. `dist/cli/meta.json` lists which source module went
 * into which chunk (the lazy-load test reads it).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * Dependencies bundled into the chunks: small, pure JavaScript, loaded by most commands; and
 * better-sqlite3's JavaScript (12 CommonJS files), its addon named by `store/sqlite/open.ts`. Of ajv
 * only what is imported statically is bundled: the generated validators' runtime helper (so no
 * command imports CommonJS from ESM, and Node never loads its CommonJS export lexer); its compiler
 * is loaded with `createRequire` from node_modules, which esbuild does not follow.
 */
const BUNDLED = new Set(['commander', 'js-yaml', 'croner', 'better-sqlite3', 'ajv']);

const REQUIRE_BANNER =
  "import { createRequire as __runwireCreateRequire } from 'node:module';\nconst require = __runwireCreateRequire(import.meta.url);";

/**
 * commander requires `node:child_process` at the top of `lib/command.js` only to spawn executable
 * subcommands (`git-style` commands in separate files), which Runwire does not use; loading it pulls
 * in net, dgram and streams (~3.5 ms of every command's start). In the bundle it is required when
 * first used instead.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`bundle-cli: commander changed: no "${eager}" in ${args.path}`);
      const lazy =
        "let childProcessModule; const childProcess = { spawn: (...a) => (childProcessModule ??= require('node:child_process')).spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

const root = new URL('../../', import.meta.url);
const outdir = new URL('dist/cli/', root);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  dependencies: Record<string, string>;
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  // Paths in meta.json are relative to the package root.
  absWorkingDir: root.pathname,
  entryPoints: [new URL('dist/src/cli/main.js', root).pathname],
  outdir: outdir.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: [...Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)), 'pg-native', 'bindings'],
  plugins: [lazyChildProcess],
  metafile: true,
  write: false,
  logLevel: 'warning',
});
for (const f of result.outputFiles) {
  mkdirSync(dirname(f.path), { recursive: true });
  // CommonJS bundled into ESM (commander) require()s Node's built-ins through esbuild's `__require`,
  // which takes the `require` in scope where it is defined: give that chunk (only) a real one.
  const needs = /\btypeof require\b|(^|[^.\w])require\(/m.test(f.text);
  writeFileSync(f.path, needs ? `${REQUIRE_BANNER}\n${f.text}` : f.text);
}
writeFileSync(new URL('meta.json', outdir), JSON.stringify(result.metafile));
const chunks = Object.keys(result.metafile.outputs).filter((o) => o.endsWith('.js')).length;
process.stdout.write(`bundle-cli: dist/src/cli/main.js bundled into ${chunks} chunks in dist/cli/\n`);
