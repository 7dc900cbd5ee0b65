/**
 * Validators compiled at build time, by schema (its JSON text as the key). This file is a stand-in:
 * `npm run build` (and `prepare`) overwrites its compiled form, `dist/src/core/validators.generated.js`,
 * with the names of the built-in schemas' validators, ajv standalone code in
 * `dist/src/core/validators/<name>.cjs` (`tools/build-validators.ts`). A schema not in it is
 * compiled with ajv on first use, as before.
 */
export const validators: ReadonlyMap<string, string> = new Map();
