/** A runbook's source with line numbers, each validation issue shown under its line. */
import type { Issue } from '../api/types';

export function SourceView({
  source,
  issues,
  testId = 'source',
}: {
  source: string;
  issues: Issue[];
  testId?: string;
}) {
  const byLine = new Map<number, Issue[]>();
  for (const i of issues) byLine.set(i.line, [...(byLine.get(i.line) ?? []), i]);
  const lines = source.replace(/\n$/, '').split('\n');
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (axe scrollable-region-focusable)
    <pre className="source" data-testid={testId} tabIndex={0}>
      {lines.map((text, i) => {
        const n = i + 1;
        const here = byLine.get(n);
        return (
          <span key={n} className={`line${here ? ' has-issue' : ''}`} data-line={n}>
            <span className="n" aria-hidden="true">
              {n}
            </span>
            {text}
            {here?.map((issue) => (
              <span key={`${issue.column}:${issue.field}:${issue.message}`} className="issue" role="note">
                ▲ {n}:{issue.column} {issue.field ? `${issue.field}: ` : ''}
                {issue.message}
              </span>
            ))}
          </span>
        );
      })}
    </pre>
  );
}
