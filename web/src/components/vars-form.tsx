/** The form that starts a run: one input per declared var, filled with its default. */
import { type FormEvent, useState } from 'react';
import type { Mode } from '../api/types';
import { ModeBadge } from './mode';

export function VarsForm({
  vars,
  mode,
  busy,
  onStart,
  onCancel,
}: {
  vars: Record<string, string>;
  mode: Mode;
  busy: boolean;
  onStart(vars: Record<string, string>): void;
  onCancel(): void;
}) {
  const [values, setValues] = useState<Record<string, string>>({ ...vars });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    // Only what differs from the defaults is sent: the runbook's defaults stay the run's.
    const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== vars[k]));
    onStart(changed);
  };
  const names = Object.keys(vars);
  return (
    <form className="card form-grid" onSubmit={submit} aria-label={`Start ${mode}`} data-testid="start-form">
      <h2>
        Start <ModeBadge mode={mode} />
      </h2>
      {names.length === 0 ? <p className="hint">This runbook declares no vars.</p> : null}
      {names.map((name) => (
        <div key={name}>
          <label htmlFor={`var-${name}`}>{name}</label>
          <input
            id={`var-${name}`}
            type="text"
            value={values[name] ?? ''}
            onChange={(e) => setValues({ ...values, [name]: e.target.value })}
          />
          <span className="hint">string · default “{vars[name]}”</span>
        </div>
      ))}
      <div className="row" style={{ marginTop: '0.8rem' }}>
        <button type="submit" disabled={busy} className={mode === 'live' ? 'danger' : ''}>
          {mode === 'live' ? 'Start live run' : 'Start rehearsal run'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
