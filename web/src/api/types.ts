/** The API's JSON shapes as the UI reads them (see `/api/openapi.json`). */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Who {
  name: string;
  role: Role;
}

export interface Issue {
  line: number;
  column: number;
  field: string;
  message: string;
}

export interface RunbookSummary {
  id: string;
  version: number | null;
  name: string | null;
  description: string | null;
  tasks: number;
  issues: Issue[] | null;
  updated_at: string | null;
}

export interface TaskSpec {
  id: string;
  name: string;
  type: string;
  depends_on: string[];
  rehearsal?: unknown;
  input: Record<string, unknown>;
}

export interface RunbookDetail {
  id: string;
  version: number;
  name: string;
  description: string | null;
  tasks: unknown[];
  triggers: unknown[];
  vars: Record<string, string>;
  created_at: string;
  created_by: string;
  format: string;
  source: string;
  runbook: { name: string; description?: string; vars: Record<string, string>; tasks: TaskSpec[] };
  issues: Issue[] | null;
  /** The file's text as it is now when it has issues (their lines point into it). */
  current_source: string | null;
  source_file: string | null;
}

export interface TaskTypeDoc {
  type: string;
  title: string;
  description: string;
  icon: string;
  rehearsal: 'run' | 'skip';
  idempotent: boolean;
}

export interface TaskError {
  code?: string;
  message?: string;
  fix?: string;
  [k: string]: unknown;
}

export interface SlackState {
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';
  channel?: string;
  channel_name?: string;
  ts?: string;
  permalink?: string;
  attempts: number;
  text?: string;
  error?: { code: string; message: string; fix?: string };
  note?: string;
  maybe_sent?: boolean;
}

export interface TaskJson {
  id: string;
  name: string;
  type: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  error: TaskError | null;
  output: Record<string, unknown> | null;
  reason?: string;
  slack?: SlackState | null;
  [k: string]: unknown;
}

export type Mode = 'live' | 'rehearsal';

export interface RunJson {
  id: string;
  runbook: string;
  mode: Mode;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  vars: Record<string, string>;
  tasks: TaskJson[];
}

export interface RunSummary {
  id: string;
  runbook: string;
  mode: Mode;
  status: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  vars: Record<string, string>;
  task_count: number;
}

export interface RunEvent {
  run_id: string;
  seq: number;
  at: string;
  actor: string;
  kind: string;
  task_id: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export interface Connection {
  name: string;
  kind: string;
  description: string | null;
  slack_url: string;
  team: { id: string; name: string | null } | null;
  bot_user_id: string | null;
  client_id: string | null;
  redirect_url: string;
  requested_bot_scopes: string[];
  granted_bot_scopes: string[];
  granted_user_scopes: string[];
  secrets_set: string[];
  verified_at: string | null;
  created_at: string;
  updated_at: string;
  [k: string]: unknown;
}

export interface ScopeFinding {
  use: string;
  severity: 'error' | 'warning';
  missing: string[];
  message: string;
  fix: string;
}

export interface ConnectionTest {
  name: string;
  ok: boolean;
  connection?: Connection;
  findings: ScopeFinding[];
  error?: TaskError;
}

export interface TriggerHistoryEntry {
  id: number;
  kind: string;
  runbook: string | null;
  trigger: string | null;
  connection: string | null;
  received_at: string;
  scheduled_for: string | null;
  outcome: string;
  run_id: string | null;
  detail: string | null;
}

export interface TriggerJson {
  runbook: string;
  runbook_name: string;
  version: number;
  id: string;
  type: string;
  mode: Mode;
  enabled: boolean;
  updated_by: string | null;
  updated_at: string | null;
  invalid_runbook: boolean;
  config: Record<string, unknown>;
  vars: Record<string, string>;
  next_fires: string[];
  last: TriggerHistoryEntry | null;
}
