/**
 * A real Runwire server for tests: SQLite in a fresh temp data dir, or PostgreSQL in a fresh schema
 * (127.0.0.1:5432 `test`, or RUNWIRE_TEST_PG_URL), on port 0 of loopback. Every response body read
 * through `call` is kept in `seenBodies` so a test can look for leaked secrets.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/server.js';

export const pgUrl = process.env.RUNWIRE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Backend = 'sqlite' | 'postgres';

export interface TestServer extends RunningServer {
  dataDir: string;
  /** Every log line the server wrote. */
  logLines: string[];
  /** Every response body read with `call`. */
  seenBodies: string[];
  call(
    path: string,
    init?: RequestInit & { token?: string },
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
}

/** Every body any test server of this process has answered (for the leak test). */
export const allSeenBodies: string[] = [];

/** The test database URL selecting a schema (created on open). */
export function pgUrlWithSchema(schema: string): string {
  return `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
}

export function freshSchema(prefix = 'runwire_srv'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function startTestServer(
  backend: Backend = 'sqlite',
  o: Partial<ServerOptions> & { schema?: string } = {},
): Promise<TestServer> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'runwire-server-'));
  const logLines: string[] = [];
  const logDestination = new PassThrough();
  logDestination.setEncoding('utf8');
  let partial = '';
  logDestination.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    logLines.push(...parts);
  });
  const { schema: _schema, ...rest } = o;
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logLevel: 'info',
    ...rest,
    dataDir,
    logDestination,
    ...(backend === 'postgres' ? { databaseUrl: pgUrlWithSchema(o.schema ?? freshSchema()) } : {}),
  });
  const seenBodies: string[] = [];
  const call: TestServer['call'] = async (path, init = {}) => {
    const { token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`${server.url}${path}`, { ...rest, headers });
    const text = await res.text();
    seenBodies.push(text);
    allSeenBodies.push(text);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body, text, headers: res.headers };
  };
  return { ...server, dataDir, logLines, seenBodies, call };
}
