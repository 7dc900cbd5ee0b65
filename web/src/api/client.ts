/**
 * The one way the UI talks to the server: same-origin `fetch` with the session cookie, JSON in and
 * out, and every refusal turned into an `ApiError` carrying the API's `{ code, message, fix }`.
 * A 401 tells the session (`onUnauthorized`) so the app can show the login page.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fix?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let unauthorized: () => void = () => {};

/** Called on every 401 (the session expired or was closed). */
export function onUnauthorized(fn: () => void): void {
  unauthorized = fn;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** JSON-encoded unless it is already a string (then sent as `contentType`). */
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Do not report a 401 to the session (the login call itself). */
  quiet401?: boolean;
}

export async function api<T>(path: string, o: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const res = await fetch(path, {
    method: o.method ?? 'GET',
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    if (res.status === 401 && !o.quiet401) unauthorized();
    const err = (json as { error?: Record<string, unknown> } | undefined)?.error ?? {};
    const { code, message, fix, ...extra } = err;
    throw new ApiError(
      res.status,
      typeof code === 'string' ? code : `http.${res.status}`,
      typeof message === 'string' ? message : `${res.status} ${res.statusText}`,
      typeof fix === 'string' ? fix : undefined,
      extra,
    );
  }
  return json as T;
}
