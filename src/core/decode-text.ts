/**
 * Runbook bytes → text. Runbooks are UTF-8 (a UTF-8 byte order mark is allowed); a file saved as
 * UTF-16 or UTF-32, or with bytes that are not UTF-8, gets one positioned problem naming the
 * encoding and the fix, instead of a confusing parse error ("must be a mapping") on garbled text.
 */
import { lineIndex } from './line-index.js';

export type Decoded = { text: string } | { problem: { line: number; column: number; message: string } };

const SAVE_AS_UTF8 = 'save it as UTF-8 (in most editors: "Save with encoding" → UTF-8)';

export function decodeRunbookBytes(bytes: Uint8Array): Decoded {
  const b = bytes;
  const at11 = { line: 1, column: 1 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0)
    return { problem: { ...at11, message: `the file is UTF-32 (little-endian); ${SAVE_AS_UTF8}` } };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
    return { problem: { ...at11, message: `the file is UTF-32 (big-endian); ${SAVE_AS_UTF8}` } };
  if (b[0] === 0xff && b[1] === 0xfe)
    return { problem: { ...at11, message: `the file is UTF-16 (little-endian); ${SAVE_AS_UTF8}` } };
  if (b[0] === 0xfe && b[1] === 0xff)
    return { problem: { ...at11, message: `the file is UTF-16 (big-endian); ${SAVE_AS_UTF8}` } };
  // UTF-16 without a byte order mark: ASCII text with a NUL beside every character.
  if (b.length >= 4 && b[0] !== 0 && b[1] === 0 && b[2] !== 0 && b[3] === 0)
    return { problem: { ...at11, message: `the file looks like UTF-16 (little-endian); ${SAVE_AS_UTF8}` } };
  if (b.length >= 4 && b[0] === 0 && b[1] !== 0 && b[2] === 0 && b[3] !== 0)
    return { problem: { ...at11, message: `the file looks like UTF-16 (big-endian); ${SAVE_AS_UTF8}` } };
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
  // Invalid sequences decode to U+FFFD; a real U+FFFD in the file re-encodes to the same bytes.
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0 && !Buffer.from(text, 'utf8').equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))) {
    const firstBad = firstInvalidAt(text, b);
    return {
      problem: { ...lineIndex(text)(firstBad), message: `the file is not valid UTF-8 here; ${SAVE_AS_UTF8}` },
    };
  }
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** The offset in `text` of the first U+FFFD that does not come from the bytes EF BF BD. */
function firstInvalidAt(text: string, bytes: Uint8Array): number {
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.codePointAt(i) as number;
    const len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (c === 0xfffd && !(bytes[byte] === 0xef && bytes[byte + 1] === 0xbf && bytes[byte + 2] === 0xbd)) return i;
    if (c === 0xfffd) byte += 3;
    else byte += len;
    if (c > 0xffff) i++;
  }
  return 0;
}
