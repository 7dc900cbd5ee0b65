/** An API refusal as a person reads it: what went wrong, its code, and the fix. */
import type { ApiError } from '../api/client';

export function ErrorBox({ error, title }: { error: ApiError | Error; title?: string }) {
  const e = error as Partial<ApiError>;
  return (
    <div className="error-box" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error.message}
      {e.code ? <code className="code">{e.code}</code> : null}
      {e.fix ? <p className="fix">Fix: {e.fix}</p> : null}
    </div>
  );
}
