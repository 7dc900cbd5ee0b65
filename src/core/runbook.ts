/**
 * The parsed, validated runbook model: what `parseRunbook` returns when a file is valid.
 * Pure data; positions are kept so later checks (and errors at run time) can point at the source.
 */
import type { RetryPolicy } from './task-type.js';

/** A place in a source file, 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One validation problem: `release.yaml:14:5 tasks[3].depends_on: unknown task "deploy-db"`. */
export interface RunbookIssue {
  file: string;
  line: number;
  column: number;
  /** Path of the offending field, e.g. `tasks[3].depends_on`; empty for the whole document. */
  field: string;
  message: string;
}

export interface TaskSpec {
  id: string;
  /** Defaults to the id. */
  name: string;
  type: string;
  depends_on: string[];
  /** Task-level retry override; the type's default applies when absent. */
  retry?: RetryPolicy;
  /** The raw `rehearsal` field as written (`run`, `skip`, or a type-specific value), if any. */
  rehearsal?: unknown;
  /** The type-specific fields, unrendered (templates still in place). */
  input: Record<string, unknown>;
  /** Where the task starts in its file. */
  position: SourcePosition;
}

/** A trigger as declared in the runbook (validated; names not yet resolved to Slack ids). */
export interface TriggerSpec {
  id: string;
  type: string;
  /** How the runs it starts run. */
  mode: 'live' | 'rehearsal';
  /** Runbook variables set by the trigger: templates over `{{trigger.*}}` (and `{{vars.*}}`). */
  vars: Record<string, string>;
  /** The type's own fields as written (`channel`, `match`, `cron`, …). */
  config: Record<string, unknown>;
  position: SourcePosition;
}

export interface Runbook {
  name: string;
  description?: string;
  /** Default variables; `--var k=v` overrides them per run. */
  vars: Record<string, string>;
  tasks: TaskSpec[];
  /** Present when the runbook declares triggers. */
  triggers?: TriggerSpec[];
  /** `notify: { slack: { connection, channel } }`: the live run board. */
  notify?: { slack?: { connection?: string; channel: string } };
  /** The file it came from. */
  source: string;
}
