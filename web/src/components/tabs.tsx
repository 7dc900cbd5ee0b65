/** Accessible tabs (WAI-ARIA tablist): arrow keys move between tabs; every panel stays mounted. */
import { type KeyboardEvent, type ReactNode, useRef } from 'react';

export function Tabs({
  label,
  tabs,
  current,
  onChange,
}: {
  label: string;
  tabs: Array<{ id: string; title: string; panel: ReactNode }>;
  current: string;
  onChange(id: string): void;
}) {
  const refs = useRef(new Map<string, HTMLButtonElement>());
  const key = (e: KeyboardEvent, i: number): void => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = tabs[(i + step + tabs.length) % tabs.length]!;
    onChange(next.id);
    refs.current.get(next.id)?.focus();
  };
  return (
    <div>
      <div role="tablist" aria-label={label} className="tabs">
        {tabs.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) refs.current.set(t.id, el);
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === current}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === current ? 0 : -1}
            onClick={() => onChange(t.id)}
            onKeyDown={(e) => key(e, i)}
          >
            {t.title}
          </button>
        ))}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`panel-${t.id}`}
          aria-labelledby={`tab-${t.id}`}
          hidden={t.id !== current}
          className="card form-grid"
        >
          {t.panel}
        </div>
      ))}
    </div>
  );
}
