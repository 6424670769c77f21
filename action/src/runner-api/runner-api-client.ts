// The action's side of docs/runner-api.md: every call carries the job's OIDC token, transient
// failures are retried (retry.ts), and the App's own error message is surfaced when it refuses.

import {
  resultAnswerSchema,
  runnerErrorSchema,
  taskStatusSchema,
} from '../../../src/contract/runner-messages.ts';
import { ActionError, errorMessage } from '../action-error.ts';
import type { Log } from '../github-runner/workflow-commands.ts';
import { isRetryableStatus, parseRetryAfter, type RetryOptions, withRetry } from './retry.ts';
import type { ProgressEvent, TaskResult, TaskStatus } from './task-result.ts';
import type { TaskSpec } from './task-spec.ts';
import { parseTaskSpec } from './task-spec.ts';
import type { TokenSource } from './token-source.ts';

export type RunnerApi = {
  getSpec(): Promise<TaskSpec>;
  postEvent(event: ProgressEvent): Promise<void>;
  postResult(result: TaskResult): Promise<{ state: string }>;
  getTask(): Promise<TaskStatus>;
};

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

const REQUEST_TIMEOUT_MS = 120_000;

export function createRunnerApi(options: {
  appUrl: string;
  taskId: number;
  tokens: TokenSource;
  log: Log;
  fetch?: typeof fetch;
  retry?: Omit<RetryOptions, 'classify' | 'onRetry'>;
  now?: () => number;
}): RunnerApi {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const base = `${options.appUrl.replace(/\/+$/, '')}/api/runner/v1/tasks/${options.taskId}`;

  async function once(method: string, path: string, body: string | undefined): Promise<unknown> {
    const token = await options.tokens.get();
    const where = `${method} ${new URL(base + path).pathname}`;
    let response: Response;
    try {
      response = await fetchImpl(base + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          'user-agent': 'agent-dispatch-action',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ActionError(
        'app-unreachable',
        `${where}: the App did not answer (${describeNetworkError(error)})`,
        {
          cause: error,
          transient: true,
        },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      if (text === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ActionError(
          'bad-spec',
          `${where}: the App answered ${response.status} with a body that is not JSON`,
        );
      }
    }
    const { code, message } = readAppError(text);
    throw new AppRefusal(
      response.status,
      code,
      `${where}: the App answered ${response.status}${code ? ` ${code}` : ''}${message ? ` — ${message}` : ''}`,
      parseRetryAfter(response.headers.get('retry-after'), now()),
    );
  }

  function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return withRetry(() => once(method, path, text), {
      ...options.retry,
      classify: (error) =>
        error instanceof ActionError && error.transient
          ? {
              retry: true,
              reason: error.message,
              retryAfterMs: error instanceof AppRefusal ? error.retryAfterMs : undefined,
              notYet: error instanceof AppRefusal && error.status === 425,
            }
          : { retry: false },
      onRetry: (reason, delay, attempt) =>
        options.log.warning(`${reason}; try ${attempt} in ${(delay / 1000).toFixed(1)} s`),
    });
  }

  return {
    async getSpec() {
      return parseTaskSpec(await call('GET', '/spec'), options.taskId);
    },
    async postEvent(event) {
      await call('POST', '/events', event);
    },
    async postResult(result) {
      const answer = resultAnswerSchema.safeParse(await call('POST', '/result', result));
      return { state: answer.success ? answer.data.state : 'unknown' };
    },
    async getTask() {
      const answer = taskStatusSchema.safeParse(await call('GET', ''));
      return answer.success
        ? answer.data
        : { id: options.taskId, state: 'unknown', prUrl: null, error: null };
    },
  };
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

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}
