// The action's side of docs/runner-api.md: the four calls the job makes for its task. Each call
// carries the job's OIDC token and surfaces the App's own error message when it refuses
// (app-request.ts); failures another try can fix are retried (app-refusal.ts, retry.ts).
import { resultAnswerSchema, taskStatusSchema } from '../../../src/contract/runner-messages.ts';
import type { Log } from '../github-runner/workflow-commands.ts';
import { classifyAppFailure } from './app-refusal.ts';
import { requestApp, type TaskEndpoint } from './app-request.ts';
import { type RetryOptions, withRetry } from './retry.ts';
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

export type RunnerApiOptions = {
  appUrl: string;
  taskId: number;
  tokens: TokenSource;
  log: Log;
  fetch?: typeof fetch;
  retry?: Omit<RetryOptions, 'classify' | 'onRetry'>;
  now?: () => number;
};

type CallApp = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function createRunnerApi(options: RunnerApiOptions): RunnerApi {
  const call = retryingCalls(options);
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

/** Calls to the task's endpoint, each retried on failures another try can fix, with a warning. */
function retryingCalls(options: RunnerApiOptions): CallApp {
  const endpoint: TaskEndpoint = {
    base: `${options.appUrl.replace(/\/+$/, '')}/api/runner/v1/tasks/${options.taskId}`,
    tokens: options.tokens,
    fetch: options.fetch ?? fetch,
    now: options.now ?? Date.now,
  };
  return (method, path, body) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return withRetry(() => requestApp(endpoint, { method, path, body: text }), {
      ...options.retry,
      classify: classifyAppFailure,
      onRetry: (reason, delay, attempt) =>
        options.log.warning(`${reason}; try ${attempt} in ${(delay / 1000).toFixed(1)} s`),
    });
  };
}
