// The one error type of the action. `code` says what went wrong in a way tests and the job
// summary can rely on; `message` says what happened and what to do about it.
export type ActionErrorCode =
  | 'bad-input'
  | 'bad-event'
  | 'no-id-token'
  | 'id-token-failed'
  | 'app-refused'
  | 'app-unreachable'
  | 'bad-spec'
  | 'checkout-mismatch'
  | 'checkout-credentials'
  | 'unsupported-engine'
  | 'engine-failed'
  | 'git-failed'
  | 'git-unavailable'
  | 'result-too-large'
  | 'unsupported-platform'
  | 'missing-secret'
  | 'proxy-failed';

export class ActionError extends Error {
  readonly code: ActionErrorCode;
  /** The same call may succeed if tried again (network trouble, a busy server). */
  readonly transient: boolean;

  constructor(code: ActionErrorCode, message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.name = 'ActionError';
    this.code = code;
    this.transient = options?.transient ?? false;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
