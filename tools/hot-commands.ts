/**
 * Which modules the CLI's start-up-critical commands load, measured (for `tools/bundle-cli.ts`): each
 * command runs once from tsc's output (`dist/src/`) with a module resolution hook that records every
 * module it loads (`load-log-hooks.ts`, as the lazy-load test does). The bundle then puts the modules that the
 * same set of these commands load into one chunk, so each of them loads a handful of files and never
 * a module it did not load before.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOAD_LOG_ENV, writeLoadLogHooks } from './load-log-hooks.js';

const LAUNCHER = (main: string): string => `const { main } = await import(${JSON.stringify(main)});
process.exitCode = await main(process.argv);
`;

/**
 * The commands measured, by name. The hot ones are those whose start-up the engine bench holds to 2x
 * a bare node. `validate-every-type` is measured only to tell apart the modules that task types
 * import: a module a hot command loads and every type's module imports too (e.g. a template helper)
 * then gets a chunk of its own rather than sharing one with modules no type needs.
 */
function commands(dir: string): Record<string, { args: string[]; hot: boolean }> {
  const one = join(dir, 'one.yaml');
  writeFileSync(one, 'name: one\ntasks:\n  - id: a\n    type: milestone\n');
  const every = join(dir, 'every.yaml');
  writeFileSync(
    every,
    [
      'name: every type',
      'tasks:',
      '  - { id: m, type: milestone }',
      '  - { id: w, type: wait, duration: 1ms }',
      '  - { id: h, type: manual, instructions: go }',
      '  - { id: g, type: http, url: "https://example.com/" }',
      '  - { id: s, type: slack.message, channel: "#ops", message: hi }',
      '',
    ].join('\n'),
  );
  const data = join(dir, 'data');
  return {
    run: { args: ['--data-dir', data, 'run', one, '--json'], hot: true },
    validate: { args: ['validate', one], hot: true },
    list: { args: ['--data-dir', data, 'runs', 'list'], hot: true },
    help: { args: ['--help'], hot: true },
    'validate-every-type': { args: ['validate', every], hot: false },
  };
}

/**
 * Absolute file path → the names of the commands that loaded it (in the order of `commands`), for
 * every file of the package (`root`) a hot command loaded.
 */
export function modulesByHotCommand(root: URL): Map<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'runwire-hot-'));
  try {
    const register = writeLoadLogHooks(dir);
    const launcher = join(dir, 'launch.mjs');
    writeFileSync(launcher, LAUNCHER(new URL('dist/src/cli/main.js', root).href));
    // The commands run on the embedded defaults whatever the builder's environment says.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RUNWIRE_')));
    const loadedBy = new Map<string, string[]>();
    const hot = new Set<string>();
    for (const [name, { args, hot: isHot }] of Object.entries(commands(dir))) {
      const log = join(dir, `${name}.log`);
      writeFileSync(log, '');
      const r = spawnSync(process.execPath, ['--import', register, launcher, ...args], {
        cwd: dir,
        env: { ...env, [LOAD_LOG_ENV]: log },
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status !== 0)
        throw new Error(`hot-commands: \`runwire ${args.join(' ')}\` exited ${r.status}: ${r.stderr.slice(0, 600)}`);
      const files = new Set(
        readFileSync(log, 'utf8')
          .split('\n')
          .filter((u) => u.startsWith(root.href))
          .map((u) => fileURLToPath(u)),
      );
      for (const f of files) {
        loadedBy.set(f, [...(loadedBy.get(f) ?? []), name]);
        if (isHot) hot.add(f);
      }
    }
    return new Map([...loadedBy].filter(([f]) => hot.has(f)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
