/**
 * Build step (run by `npm run build` and `prepare`, after tsc, the validators and the TypeBox
 * bundle): bundle the compiled CLI, `dist/src/cli/main.js`, with rolldown into ESM chunks in
 * `dist/cli/` (issue 9, start-up). Node 20 pays per module loaded (resolve, read, compile, link) and
 * has no compile cache, so the fewer files a command loads the sooner it starts.
 *
 * Chunks are cut along what the start-up-critical commands load, measured (`hot-commands.ts`: `run`
 * of one milestone, `validate`, `runs list`, `--help`, run from tsc's output): modules loaded by the
 * same set of these commands share one chunk (e.g. "run+validate": the runbook parser; "run": the
 * engine), so `runwire run` loads 11 files instead of ~40 and none of these commands loads a module it
 * did not load unbundled. Modules that load only for some inputs — a task type's module, a storage
 * backend (`store/sqlite/`, `store/postgres/`, better-sqlite3) — and every module none of them loads
 * (the server, Slack, sandbox) are chunked by rolldown as usual: every lazy `import()` stays lazy.
 * rolldown (vite's bundler, so no new tool in the tree) because its `codeSplitting.groups` can place
 * modules in chunks; esbuild's splitting cannot (one chunk per set of entry points: ~40 for `run`).
 *
 * Packages are left to Node (external) except a few small pure ones every command loads and
 * better-sqlite3's JavaScript (not its addon: `store/sqlite/open.ts` names it); optional dependencies
 * (pg-native), pg and packages that find files next to themselves (pino's transports, the Slack SDK's
 * package.json) stay external. `dist/cli/meta.json` lists which source module went into which chunk
 * (the lazy-load test reads it).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, rolldown } from 'rolldown';
import { modulesByHotCommand } from './hot-commands.js';

/**
 * Dependencies bundled into the chunks: small, pure JavaScript, loaded by most commands; and
 * better-sqlite3's JavaScript (12 CommonJS files). Of ajv only what is imported statically is
 * bundled: the generated validators' runtime helper; its compiler is loaded with `createRequire`
 * from node_modules, which the bundler does not follow.
 */
const BUNDLED = new Set(['commander', 'js-yaml', 'croner', 'better-sqlite3', 'ajv']);

/** Modules a hot command loads only for some runbooks or stores: left out of the measured chunks. */
const INPUT_DEPENDENT = [
  /[\\/]dist[\\/]src[\\/]tasks[\\/](?!lazy-types\.js$)/,
  /[\\/]dist[\\/]src[\\/]store[\\/](sqlite|postgres)[\\/]/,
  /[\\/]dist[\\/]src[\\/]runtime[\\/](sqlite|postgres)-runtime\.js$/,
  /[\\/]node_modules[\\/]better-sqlite3[\\/]/,
];

/**
 * commander requires `node:child_process` at the top of `lib/command.js` only to spawn executable
 * subcommands (`git-style` commands in separate files), which Runwire does not use; loading it pulls
 * in net, dgram and streams (~3.5 ms of every command's start). In the bundle it is required when
 * first used instead.
 */
const lazyChildProcess: Plugin = {
  name: 'lazy-child-process',
  transform: {
    filter: { id: /[\\/]commander[\\/]lib[\\/]command\.js$/ },
    handler(code, id) {
      const eager = "const childProcess = require('node:child_process');";
      if (!code.includes(eager)) throw new Error(`bundle-cli: commander changed: no "${eager}" in ${id}`);
      const lazy =
        "let childProcessModule; const childProcess = { spawn: (...a) => (childProcessModule ??= require('node:child_process')).spawn(...a) };";
      // One line of commander changes: `map: null` keeps its (line-level) mappings.
      return { code: code.replace(eager, lazy), map: null };
    },
  },
};

const root = new URL('../../', import.meta.url);
const rootPath = fileURLToPath(root);
const outdir = fileURLToPath(new URL('dist/cli/', root));
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  dependencies: Record<string, string>;
};
const external = [...Object.keys(pkg.dependencies).filter((d) => !BUNDLED.has(d)), 'pg-native', 'bindings'];

/** The chunk a measured module belongs to ("run+validate"), or null to leave it to rolldown. */
const loadedBy = modulesByHotCommand(root);
const groupOf = (id: string): string | null =>
  INPUT_DEPENDENT.some((re) => re.test(id)) ? null : (loadedBy.get(id)?.join('+') ?? null);
const groups = [...new Set([...loadedBy.keys()].map(groupOf).filter((g) => g !== null))];

rmSync(outdir, { recursive: true, force: true });
const bundle = await rolldown({
  input: fileURLToPath(new URL('dist/src/cli/main.js', root)),
  platform: 'node',
  external: (id) => id.startsWith('node:') || external.some((e) => id === e || id.startsWith(`${e}/`)),
  plugins: [lazyChildProcess],
  logLevel: 'warn',
});
const { output } = await bundle.write({
  dir: outdir,
  format: 'es',
  // V8 compiles every byte a command loads: whitespace and comments out (~4% of `run`'s start),
  // names and code kept as written, so stack traces still name the functions; the source map beside
  // each chunk gives lines (node --enable-source-maps).
  minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
  sourcemap: true,
  chunkFileNames: 'chunks/[name]-[hash].js',
  codeSplitting: {
    // A module's static imports are loaded by every command that loads it, so they belong to a group
    // of the same commands or more: placing larger sets first (priority) lets each group take its own
    // modules only (a group also takes the static imports of its modules that no group has taken).
    groups: groups.map((name) => ({
      name: name.replaceAll('+', '_'),
      priority: name.split('+').length,
      test: (id: string) => groupOf(id) === name,
    })),
  },
});
await bundle.close();

const rel = (p: string): string => relative(rootPath, p).split('\\').join('/');
const outputs: Record<string, { inputs: Record<string, object> }> = {};
for (const o of output)
  if (o.type === 'chunk')
    outputs[`dist/cli/${o.fileName}`] = {
      inputs: Object.fromEntries(o.moduleIds.filter((m) => isAbsolute(m)).map((m) => [rel(m), {}])),
    };
writeFileSync(`${outdir}meta.json`, JSON.stringify({ outputs }));
process.stdout.write(
  `bundle-cli: dist/src/cli/main.js bundled into ${Object.keys(outputs).length} chunks in dist/cli/ ` +
    `(${groups.length} cut along what ${[...new Set([...loadedBy.values()].flat())].join(', ')} load)\n`,
);
