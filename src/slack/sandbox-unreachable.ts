/**
 * A connection pointing at this machine (the embedded sandbox, or a local proxy) whose port refuses
 * connections: nothing is listening, so nothing was sent and retrying for half a minute cannot help.
 * Callers fail at once with this error instead of blaming Slack or the network.
 */
import { RunwireError } from '../core/errors.js';

/** True for `localhost`, `127.x.x.x` and `[::1]` URLs. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The error code of an `Error` or any of its causes (fetch wraps ECONNREFUSED in `cause`). */
function errnoOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++)
    if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  return undefined;
}

/** The loopback URL that refused the connection, when `err` is that; undefined otherwise. */
export function refusedLoopback(err: unknown, url: string): string | undefined {
  return errnoOf(err) === 'ECONNREFUSED' && isLoopbackUrl(url) ? url : undefined;
}

/** "Nothing listens at URL": the sandbox (or local proxy) the connection points at is not running. */
export function sandboxNotRunning(url: string, connection: string): RunwireError {
  const base = new URL(url).origin;
  return new RunwireError(
    'runwire.slack.sandbox_not_running',
    `Nothing is listening at ${base} (connection refused): the Slack sandbox that connection "${connection}" points at is not running.`,
    {
      fix:
        `Start it: npm start (or runwire start) in another terminal points "${connection === 'default' ? 'default' : connection}" at a fresh sandbox` +
        ` — or run runwire sandbox --port ${new URL(url).port || '80'} and give the connection its token (runwire connection update ${connection} --token -);` +
        ` if ${base} is a proxy of your own, start it. Then run the task again (runwire task retry RUN TASK).`,
      retryable: false,
    },
  );
}
