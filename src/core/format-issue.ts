/** One runbook issue as a line: `release.yaml:14:5 tasks[3].depends_on: unknown task "deploy-db"`. */
import type { RunbookIssue } from './runbook.js';

export function formatIssue(i: RunbookIssue): string {
  return `${i.file}:${i.line}:${i.column} ${i.field ? `${i.field}: ` : ''}${i.message}`;
}

/** Order issues as a reader meets them in the file (stable for equal positions). */
export function sortIssues(issues: RunbookIssue[]): RunbookIssue[] {
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.index - b.index)
    .map((x) => x.issue);
}

/** Every listed issue as a line, then "and N more" when the list was cut short. */
export function formatIssueLines(r: { issues: RunbookIssue[]; omitted?: number }, file: string): string {
  const lines = r.issues.map((i) => `${formatIssue(i)}\n`);
  if (r.omitted) lines.push(`${file}: … and ${r.omitted} more problem${r.omitted === 1 ? '' : 's'} not listed\n`);
  return lines.join('');
}
