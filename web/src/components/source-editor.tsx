/**
 * An admin edits a runbook's source and pushes it (`PUT /api/runbooks/{id}`): a new version when it
 * is valid, or every issue shown under its line of the text as sent (nothing is stored).
 */
import { useState } from 'react';
import { type ApiError, api } from '../api/client';
import type { Issue } from '../api/types';
import { ErrorBox } from './error-box';
import { SourceView } from './source-view';

export function SourceEditor({
  id,
  source,
  format,
  onSaved,
  onClose,
}: {
  id: string;
  source: string;
  format: string;
  onSaved(): void;
  onClose(): void;
}) {
  const [text, setText] = useState(source);
  const [refused, setRefused] = useState<{ error: ApiError; text: string }>();
  const [busy, setBusy] = useState(false);
  const save = async (): Promise<void> => {
    setBusy(true);
    setRefused(undefined);
    try {
      await api(`/api/runbooks/${encodeURIComponent(id)}`, {
        method: 'PUT',
        body: text,
        contentType: format === 'json' ? 'application/json' : 'application/yaml',
      });
      onSaved();
    } catch (e) {
      setRefused({ error: e as ApiError, text });
    } finally {
      setBusy(false);
    }
  };
  const issues = (refused?.error.extra.issues as Issue[] | undefined) ?? [];
  return (
    <div className="card" data-testid="source-editor">
      <label htmlFor="source-text">Runbook source ({format})</label>
      <textarea
        id="source-text"
        className="source-text"
        rows={Math.min(30, text.split('\n').length + 2)}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row" style={{ marginTop: '0.5rem' }}>
        <button type="button" disabled={busy} onClick={() => void save()}>
          Save as a new version
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
      {refused ? (
        <>
          <ErrorBox error={refused.error} title="Not saved" />
          {issues.length ? <SourceView source={refused.text} issues={issues} /> : null}
        </>
      ) : null}
    </div>
  );
}
