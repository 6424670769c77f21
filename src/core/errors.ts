// One error model. Every failure the App explains to people has a code: the code decides the
// HTTP status, whether retrying can help, and (through render/error-messages.ts) the sentence
// people read; details fill it in. Codes stored in `tasks.error_code` are codes of this union.
import type { ErrorCode, ErrorDetails } from './error-details.ts';
import { ERROR_MESSAGES } from './render/error-messages.ts';

export type { ErrorCode, ErrorDetails };

type ErrorKind = {
  /** The HTTP status of an API answer with this code. */
  status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 425 | 429 | 500 | 502 | 503;
  /** Whether doing the same work again cannot help. */
  permanent: boolean;
};

export const ERROR_KINDS = {
  malformed_command: { status: 400, permanent: true },
  invalid_config: { status: 422, permanent: true },
  not_permitted: { status: 403, permanent: true },
  rate_limited: { status: 429, permanent: true },
  engine_not_allowed: { status: 422, permanent: true },
  prompt_too_long: { status: 422, permanent: true },
  fork_pull_request: { status: 422, permanent: true },
  task_not_found: { status: 404, permanent: true },
  cannot_manage: { status: 409, permanent: true },
  ambiguous_task: { status: 409, permanent: true },
  request_changed: { status: 409, permanent: true },
  malformed_payload: { status: 400, permanent: true },
  access_revoked: { status: 403, permanent: true },
  workflow_missing: { status: 422, permanent: true },
  branch_missing: { status: 422, permanent: true },
  dispatch_refused: { status: 422, permanent: true },
  dispatch_failed: { status: 502, permanent: false },
  run_failed: { status: 409, permanent: true },
  run_lost: { status: 409, permanent: true },
  gate_rejected: { status: 403, permanent: true },
  engine_failed: { status: 409, permanent: true },
  limit_reached: { status: 409, permanent: true },
  timed_out: { status: 409, permanent: true },
  policy_violation: { status: 422, permanent: true },
  branch_moved: { status: 409, permanent: true },
  publish_failed: { status: 502, permanent: true },
  shutting_down: { status: 503, permanent: false },
  bad_task_id: { status: 400, permanent: true },
  bad_token: { status: 401, permanent: true },
  no_task: { status: 404, permanent: true },
  wrong_run: { status: 403, permanent: true },
  run_not_recorded: { status: 425, permanent: false },
  not_runnable: { status: 409, permanent: true },
  too_large: { status: 413, permanent: true },
  too_many_events: { status: 429, permanent: true },
  bad_request: { status: 400, permanent: true },
  result_refused: { status: 409, permanent: true },
  budget_exhausted: { status: 429, permanent: true },
  unauthenticated: { status: 401, permanent: true },
  csrf_refused: { status: 403, permanent: true },
  not_found: { status: 404, permanent: true },
  not_allowed: { status: 403, permanent: true },
  sign_in_unavailable: { status: 503, permanent: true },
  sign_in_failed: { status: 400, permanent: true },
  github_unavailable: { status: 502, permanent: false },
  postgres_unreachable: { status: 503, permanent: true },
  embedded_postgres_failed: { status: 503, permanent: true },
  database_unreachable: { status: 503, permanent: false },
  port_in_use: { status: 503, permanent: false },
  startup_failed: { status: 503, permanent: true },
  handoff_missing: { status: 409, permanent: true },
  plan_changed: { status: 409, permanent: true },
  pipeline_not_found: { status: 422, permanent: true },
} as const satisfies Record<ErrorCode, ErrorKind>;

export const ERROR_CODES = Object.keys(ERROR_KINDS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_KINDS, value);
}

export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly details: ErrorDetails[C];
  readonly status: ErrorKind['status'];
  /** Permanent: retrying the same work will not help. */
  readonly permanent: boolean;

  constructor(code: C, details: ErrorDetails[C], options?: ErrorOptions) {
    super(ERROR_MESSAGES[code](details), options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.status = ERROR_KINDS[code].status;
    this.permanent = ERROR_KINDS[code].permanent;
  }

  /** What a log line carries: the code and the details (never a secret: details are ids and reasons). */
  logFields(): Record<string, unknown> {
    return { code: this.code, ...this.details };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The sentence for a code, without making an error (a reply, a stored task error). */
export function errorMessage<C extends ErrorCode>(code: C, details: ErrorDetails[C]): string {
  return ERROR_MESSAGES[code](details);
}
