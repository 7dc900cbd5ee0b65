import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERROR_CODE_FAMILIES, ERROR_CODES } from '../../../src/core/errors.js';
import { slackErrorCatalog, TRANSPORT_CODES } from '../../../src/slack/delivery/error-catalog.js';

// Runs from dist/test/unit/core: the sources are four levels up.
const SRC = new URL('../../../../src/', import.meta.url).pathname;
/** Strings that look like codes but are not (the SQLite file name). */
const NOT_CODES = new Set(['runwire.db']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const texts = sources(SRC).map((f) => ({ file: f.slice(SRC.length), text: readFileSync(f, 'utf8') }));

test('every error code written in src/ is listed, with its meaning, in src/core/errors.ts', () => {
  assert.ok(texts.length > 50, `read the sources from ${SRC}`);
  const unlisted: string[] = [];
  for (const { file, text } of texts) {
    for (const m of text.matchAll(/['"`](runwire\.[a-z0-9_.]+)(['"`]|\$\{)/g)) {
      const code = m[1] as string;
      // A prefix (`'runwire.store.'`) picks a family of codes, e.g. for an HTTP status: not a code.
      if (NOT_CODES.has(code) || code.endsWith('.') || code in ERROR_CODE_FAMILIES) continue;
      const slack = code.slice('runwire.slack.'.length);
      const templated = m[2] !== undefined && m[2].length === 2;
      const listed = templated
        ? Object.keys(ERROR_CODE_FAMILIES).some((f) => code.startsWith(f))
        : code in ERROR_CODES ||
          (code.startsWith('runwire.slack.') &&
            (slack in slackErrorCatalog || (TRANSPORT_CODES as readonly string[]).includes(slack)));
      if (!listed) unlisted.push(`${file}: ${code}${templated ? '…' : ''}`);
    }
  }
  assert.deepEqual(unlisted, []);
});

test('every listed code is used somewhere (no dead codes) and says what it means', () => {
  const all = texts.map((t) => t.text).join('\n');
  for (const [code, meaning] of Object.entries(ERROR_CODES)) {
    const uses = all.split(`'${code}'`).length - 1;
    assert.ok(uses >= 2, `${code} is listed but never used`);
    assert.ok(meaning.length > 10 && meaning.endsWith('.'), `${code}: a sentence saying what it means`);
  }
});
