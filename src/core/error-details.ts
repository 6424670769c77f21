// The facts each error code carries. The code decides the status and permanence (errors.ts) and
// the sentence people read (render/error-messages.ts); these fill it in.
import type { Violation } from './policy/violation.ts';
import type { ConfigIssue } from './repo-config/schema.ts';

export type ErrorDetails = {
  // A command that starts nothing: answered with a reply.
  malformed_command: { error: string; help: string };
  invalid_config: { issues: ConfigIssue[] };
  not_permitted: { login: string; reason: string };
  rate_limited: { login: string; limit: number; retryAt: Date };
  engine_not_allowed: { engine: string; allowed: string[] };
  prompt_too_long: { length: number; limit: number };
  fork_pull_request: Record<string, never>;
  task_not_found: { taskId: number | undefined; what: string };
  cannot_manage: { action: string; reason: string };
  ambiguous_task: { action: string; taskIds: number[] };
  request_changed: { taskId: number; changes: string[] };
  // A delivery that cannot be processed: recorded as failed with this reason.
  malformed_payload: { event: string; reason: string };
  // A task that ends failed or rejected: stored with the task, shown in its status comment.
  access_revoked: { login: string; reason: string };
  workflow_missing: { workflow: string; ref: string };
  branch_missing: { branch: string };
  dispatch_refused: { workflow: string; status: number; reason: string };
  dispatch_failed: { attempts: number; reason: string };
  run_failed: { conclusion: string; url: string };
  run_lost: { conclusion: string; url: string };
  gate_rejected: { environment: string; url?: string; reason?: string };
  engine_failed: { exitCode: number | null; reason: string | null };
  limit_reached: { reason: string | null };
  timed_out: { minutes: number; files: number };
  policy_violation: { violations: Violation[]; listed: number };
  branch_moved: { branch: string; current: string; base: string; taskId: number };
  publish_failed: { reason: string; attempts?: number };
  // The runner API's refusals (docs/runner-api.md): the job reads the code.
  shutting_down: Record<string, never>;
  bad_task_id: Record<string, never>;
  bad_token: { reason: string };
  no_task: { taskId: number };
  wrong_run: { reason: string };
  run_not_recorded: { reason: string };
  not_runnable: { taskId: number; state: string };
  too_large: { what: string; limit: number };
  too_many_events: Record<string, never>;
  bad_request: { reason: string };
  result_refused: { reason: string };
  // Budgets (`.github/agent.yml` budget): a request refused, a dispatch stopped, a run rejected.
  budget_exhausted: {
    scope: 'user' | 'repository';
    login: string;
    spentUsd: number;
    limitUsd: number;
    resetsAt: Date;
  };
  // The REST API and sign-in (docs/api.md): answered as application/problem+json.
  unauthenticated: { reason: string };
  csrf_refused: { reason: string };
  not_found: { what: string };
  not_allowed: { action: string; reason: string };
  sign_in_unavailable: Record<string, never>;
  sign_in_failed: { reason: string };
  github_unavailable: { reason: string };
  // Start-up failures (src/boot/startup-failure.ts): one message with the fix, then exit.
  postgres_unreachable: { dir: string };
  embedded_postgres_failed: { reason: string };
  database_unreachable: { target: string; reason: string };
  port_in_use: { host: string; port: number };
  startup_failed: { reason: string };
  handoff_missing: { step: string; handoff: string };
  plan_changed: { taskId: number; reason: string };
  pipeline_not_found: { name: string; defined: string[] };
};
export type ErrorCode = keyof ErrorDetails;
