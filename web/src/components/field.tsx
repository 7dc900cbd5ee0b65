/** A labelled input with a hint; secrets are password inputs that never show a stored value. */
import type { InputHTMLAttributes, ReactNode } from 'react';

export function Field({
  id,
  label,
  hint,
  secret,
  isSet,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  hint?: ReactNode;
  secret?: boolean;
  isSet?: boolean;
}) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={secret ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        {...(secret && isSet ? { placeholder: '•••••••• (set; type to replace)' } : {})}
        {...input}
      />
      {hint ? <p className="hint">{hint}</p> : null}
    </div>
  );
}
