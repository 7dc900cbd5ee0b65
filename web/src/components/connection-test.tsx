/** Test connection: auth.test and the scope doctor, each missing scope with what fails and the fix. */
import { useState } from 'react';
import { type ApiError, api } from '../api/client';
import type { ConnectionTest } from '../api/types';
import { ErrorBox } from './error-box';

export function TestConnection({ name, onTested }: { name: string; onTested?(t: ConnectionTest): void }) {
  const [result, setResult] = useState<ConnectionTest>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api<ConnectionTest>(`/api/connections/${encodeURIComponent(name)}/test`, { method: 'POST' });
      setResult(r);
      onTested?.(r);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid={`test-${name}`}>
      <button type="button" className="secondary" disabled={busy} onClick={() => void run()}>
        {busy ? 'Testing…' : 'Test connection'}
      </button>
      {error ? <ErrorBox error={error} /> : null}
      {result ? <TestResult result={result} /> : null}
    </div>
  );
}

export function TestResult({ result }: { result: ConnectionTest }) {
  return (
    <div className="test-result" data-testid="test-result" role="status">
      {result.error ? (
        <p className="delivery-failed">
          Connection failed: {String(result.error.message ?? '')}
          {result.error.code ? <code className="code">{String(result.error.code)}</code> : null}
          {result.error.fix ? <span className="fix"> Fix: {String(result.error.fix)}</span> : null}
        </p>
      ) : result.ok && result.findings.length === 0 ? (
        <p className="delivery-sent">OK: every scope a Slack task needs is granted.</p>
      ) : (
        <p className={result.ok ? 'delivery-sent' : 'delivery-failed'}>
          {result.ok ? 'OK, with warnings:' : 'Missing scopes:'}
        </p>
      )}
      {result.findings.length ? (
        <ul data-testid="findings">
          {result.findings.map((f) => (
            <li key={f.use} data-missing={f.missing.join(' ')}>
              <span className={`badge ${f.severity === 'error' ? 'bad' : 'warn'}`}>{f.severity}</span>{' '}
              <strong>{f.missing.join(', ')}</strong> — {f.message}
              <br />
              <span className="fix">Fix: {f.fix}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
