/**
 * Runwire's typed error: a stable string code (one meaning each), a message a person can act on,
 * an optional fix, and whether retrying can help. Unknown throwables are coerced with `toRunwireError`,
 * keeping the original as `cause`.
 */
export class RunwireError extends Error {
  /** Stable code such as `runwire.slack.missing_scope`. */
  readonly code: string;
  /** What the operator should do about it, when there is something to do. */
  readonly fix: string | undefined;
  /** True when the same call may succeed later (network, 5xx, rate limit). */
  readonly retryable: boolean;

  constructor(code: string, message: string, opts: { fix?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RunwireError';
    this.code = code;
    this.fix = opts.fix;
    this.retryable = opts.retryable ?? false;
  }

  toJSON(): { code: string; message: string; fix?: string; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      ...(this.fix ? { fix: this.fix } : {}),
      retryable: this.retryable,
    };
  }
}

/** Coerce anything thrown into a RunwireError, keeping the original as `cause`. */
export function toRunwireError(err: unknown, fallbackCode = 'runwire.internal'): RunwireError {
  if (err instanceof RunwireError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RunwireError(fallbackCode, message, { cause: err });
}
