/**
 * Parser libraries loaded on first use, synchronously (`require`), so that a command pays for them
 * only when it needs them (issue 9, start-up): `yaml` (~70 CommonJS files) only when js-yaml's fast
 * path gives up or a file has issues to place, `jsonc-parser` only for JSON runbooks. Both are
 * CommonJS packages, so a lazy `require` keeps the parser synchronous.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type * as Jsonc from 'jsonc-parser';

const require = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;
let jsonc: typeof Jsonc | undefined;

/** The `yaml` package (document API with node ranges). */
export function yamlLib(): typeof Yaml {
  yaml ??= require('yaml') as typeof Yaml;
  return yaml;
}

/** The `jsonc-parser` package (JSON with positions). */
export function jsoncLib(): typeof Jsonc {
  jsonc ??= require('jsonc-parser') as typeof Jsonc;
  return jsonc;
}
