// One error type for failures the App explains to people. The code decides the message
// (feedback/messages.ts) and the log line; details fill it in.
export type ErrorCode =
  | 'malformed_command'
  | 'invalid_config'
  | 'not_permitted'
  | 'rate_limited'
  | 'engine_not_allowed'
  | 'prompt_too_long'
  | 'fork_pull_request'
  | 'task_not_found'
  | 'nothing_to_manage'
  | 'workflow_missing'
  | 'dispatch_refused'
  | 'run_failed'
  | 'run_lost'
  | 'engine_failed'
  | 'limit_reached'
  | 'timed_out'
  | 'policy_violation'
  | 'branch_moved'
  | 'publish_failed';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** Permanent: retrying the same work will not help. */
  readonly permanent: boolean;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, permanent = true) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.permanent = permanent;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
