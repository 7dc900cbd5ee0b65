/**
 * Credentials written into URLs (`https://user:pass@host/…`) never reach a message, a log line or
 * an event: `redactUrlCredentials` is the one function that hides them, used wherever text that may
 * hold a URL is printed or stored (the engine's events and task errors, the http task, the CLI's
 * error line, `redactSecrets` for Slack's texts).
 */

/** What replaces the password (or a lone user-info) of a URL. */
export const REDACTED_CREDENTIALS = '***';

// scheme://userinfo@ — userinfo is anything up to the first @ that holds no /, ?, # or whitespace.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
const HAS_URL_CREDENTIALS = new RegExp(URL_CREDENTIALS.source, 'i');

/**
 * `text` with the password of every URL in it replaced by `***` (`https://deploy:***@host/`); a
 * user-info without a password may itself be a token and is replaced whole (`https://***@host/`).
 */
export function redactUrlCredentials(text: string): string {
  // Most texts hold no `@` at all: skip the regex for them (the engine calls this for every event).
  if (!text.includes('@')) return text;
  return text.replace(URL_CREDENTIALS, (whole: string, scheme: string) => {
    const info = whole.slice(scheme.length, -1);
    const colon = info.indexOf(':');
    return `${scheme}${colon > 0 ? `${info.slice(0, colon)}:` : ''}${REDACTED_CREDENTIALS}@`;
  });
}

/** True when a URL text carries user-info (`user:pass@` or `user@`). */
export function hasUrlCredentials(text: string): boolean {
  return text.includes('@') && HAS_URL_CREDENTIALS.test(text);
}
