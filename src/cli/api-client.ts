/**
 * The CLI's client of a Runwire server: `--server URL` (or RUNWIRE_SERVER) with RUNWIRE_TOKEN as the
 * bearer token. An error reply becomes the RunwireError it describes (code, message, fix).
 */
import { isErrorCode, RunwireError } from '../core/errors.js';

export interface ApiClient {
  base: string;
  request<T>(
    method: string,
    path: string,
    body?: { text: string; contentType: string },
  ): Promise<{ status: number; body: T }>;
}

export function apiClient(server: string, env: NodeJS.ProcessEnv): ApiClient {
  const base = server.replace(/\/+$/, '');
  const token = env.RUNWIRE_TOKEN;
  return {
    base,
    async request<T>(method: string, path: string, body?: { text: string; contentType: string }) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body) headers['content-type'] = body.contentType;
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { method, headers, ...(body ? { body: body.text } : {}) });
      } catch (err) {
        throw new RunwireError('runwire.cli.server_unreachable', `Cannot reach the Runwire server at ${base}.`, {
          fix: 'Check --server / RUNWIRE_SERVER and that `runwire server` is running.',
          cause: err,
        });
      }
      const text = await res.text();
      const parsed = text ? (JSON.parse(text) as unknown) : undefined;
      if (res.status >= 400) {
        const e = (parsed as { error?: { code?: string; message?: string; fix?: string } } | undefined)?.error;
        const err = new RunwireError(
          isErrorCode(e?.code) ? e.code : 'runwire.http.error',
          e?.message ?? `HTTP ${res.status}`,
          {
            ...(e?.fix ? { fix: e.fix } : res.status === 401 ? { fix: 'Set RUNWIRE_TOKEN to an API token.' } : {}),
          },
        );
        (err as RunwireError & { body?: unknown }).body = parsed;
        throw err;
      }
      return { status: res.status, body: parsed as T };
    },
  };
}
