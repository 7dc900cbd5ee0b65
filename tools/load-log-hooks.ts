/**
 * Module-load recording for a child `node`: `--import <the URL writeLoadLogHooks returns>` makes it
 * append the URL of every module it resolves to the file named by `LOAD_LOG_ENV` — ES imports through
 * a `module.register` resolve hook, CommonJS `require` (inside packages, and `createRequire`) through
 * `Module._resolveFilename`, which the ESM hook does not see. Used by the build (`hot-commands.ts`)
 * and by the lazy-load test.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The environment variable naming the log file. */
export const LOAD_LOG_ENV = 'RUNWIRE_LOAD_LOG';

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.${LOAD_LOG_ENV}, r.url + '\\n');
  return r;
}
`;

const REGISTER = (hooks: string): string => `import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(hooks)});
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  if (file.startsWith('/')) appendFileSync(process.env.${LOAD_LOG_ENV}, pathToFileURL(file).href + '\\n');
  return file;
};
`;

/** Write the hook files into `dir`; returns the URL to pass to `node --import`. */
export function writeLoadLogHooks(dir: string): string {
  const hooks = join(dir, 'load-log-hooks.mjs');
  const register = join(dir, 'load-log-register.mjs');
  writeFileSync(hooks, HOOKS);
  writeFileSync(register, REGISTER(pathToFileURL(hooks).href));
  return pathToFileURL(register).href;
}
