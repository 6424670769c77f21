// Pure: what the App's failures mean to the action — an answer that is not a success becomes an
// AppRefusal carrying the App's own `{ error: { code, message } }`, and only failures another
// try can fix are retried (network errors and timeouts, 425, 429, 5xx; retry.ts).
import { runnerErrorSchema } from '../../../src/contract/runner-messages.ts';
import { ActionError } from '../action-error.ts';
import { isRetryableStatus, parseRetryAfter, type RetryDecision } from './retry.ts';

/** An HTTP answer from the App that is not a success. */
export class AppRefusal extends ActionError {
  readonly status: number;
  readonly errorCode: string | null;
  readonly retryAfterMs: number | undefined;

  constructor(status: number, errorCode: string | null, message: string, retryAfterMs?: number) {
    super('app-refused', message, { transient: isRetryableStatus(status) });
    this.status = status;
    this.errorCode = errorCode;
    this.retryAfterMs = retryAfterMs;
  }
}

/** @param where the call, e.g. "GET /api/runner/v1/tasks/42/spec". */
export function refusalOf(where: string, response: Response, text: string, now: number): AppRefusal {
  const { code, message } = readAppError(text);
  return new AppRefusal(
    response.status,
    code,
    `${where}: the App answered ${response.status}${code ? ` ${code}` : ''}${message ? ` — ${message}` : ''}`,
    parseRetryAfter(response.headers.get('retry-after'), now),
  );
}

function readAppError(text: string): { code: string | null; message: string | null } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { code: null, message: text.trim().slice(0, 300) || null };
  }
  const parsed = runnerErrorSchema.safeParse(json);
  return parsed.success ? parsed.data.error : { code: null, message: null };
}

/** A 425 ("the App has not recorded this run yet") is asked again without using up the tries. */
export function classifyAppFailure(error: unknown): RetryDecision {
  if (!(error instanceof ActionError) || !error.transient) return { retry: false };
  return {
    retry: true,
    reason: error.message,
    retryAfterMs: error instanceof AppRefusal ? error.retryAfterMs : undefined,
    notYet: error instanceof AppRefusal && error.status === 425,
  };
}
