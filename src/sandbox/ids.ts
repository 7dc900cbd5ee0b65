/**
 * Slack-shaped identifiers and secrets for the sandbox. Ids are a prefix letter plus ten upper-case
 * letters/digits (matching the OpenAPI patterns such as `^[CGD][A-Z0-9]{8,}$`); tokens follow Slack's
 * visible prefixes (`xoxb-`, `xoxp-`, `xapp-`, `xoxe-`) so code that sniffs the prefix behaves as with Slack.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random Slack-style id: `T…` team, `U…` user, `C…` public / `G…` private channel, `D…` IM, `B…` bot, `A…` app. */
export function newId(prefix: 'T' | 'U' | 'C' | 'G' | 'D' | 'B' | 'A' | 'E' | 'W' | 'S'): string {
  let out = prefix;
  for (let i = 0; i < 10; i++) out += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return out;
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(randomInt(10));
  return out;
}

/** Random hex secret (signing secret, client secret, webhook secret). */
export function newSecret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** Token strings shaped like Slack's, for each token kind. */
export function newToken(kind: 'bot' | 'user' | 'app' | 'refresh'): string {
  const tail = randomBytes(18).toString('base64url').replace(/[-_]/g, 'x');
  switch (kind) {
    case 'bot':
      return `xoxb-${digits(12)}-${digits(13)}-${tail}`;
    case 'user':
      return `xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${tail}`;
    case 'app':
      return `xapp-1-${newId('A')}-${digits(13)}-${randomBytes(32).toString('hex')}`;
    case 'refresh':
      return `xoxe-1-${tail}${randomBytes(12).toString('hex')}`;
  }
}

/** A client id such as Slack's `1234567890.1234567890`. */
export function newClientId(): string {
  return `${digits(10)}.${digits(13)}`;
}

/**
 * Format a message timestamp: whole seconds, a dot, six digits of a per-second sequence.
 * Pure: given the previous ts of the channel and the clock, returns the next ts, strictly greater.
 */
export function nextTs(previous: string | undefined, nowMs: number): string {
  const sec = Math.floor(nowMs / 1000);
  const micros = (nowMs % 1000) * 1000;
  if (previous !== undefined) {
    const [ps, pm] = previous.split('.');
    const prevSec = Number(ps);
    const prevMicros = Number(pm);
    if (prevSec > sec || (prevSec === sec && prevMicros >= micros)) {
      // Same or earlier instant (or a clock step back): continue after the previous ts.
      const total = prevSec * 1_000_000 + prevMicros + 1;
      return `${Math.floor(total / 1_000_000)}.${String(total % 1_000_000).padStart(6, '0')}`;
    }
  }
  return `${sec}.${String(micros).padStart(6, '0')}`;
}
