// After the result is posted the App publishes; the job waits briefly while it does so its
// outputs and summary can carry the pull request's URL. Any other state ends the wait: a terminal
// one, or a pipeline step's (waiting for approval of its plan, or the next step queued) — the job
// has nothing more to report then.
import { errorMessage } from '../action-error.ts';
import type { Log } from '../github-runner/workflow-commands.ts';
import type { RunnerApi } from '../runner-api/runner-api-client.ts';
import type { TaskStatus } from '../runner-api/task-result.ts';

export type WaitOptions = {
  timeoutMs: number;
  intervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: Log;
};

export const DEFAULT_WAIT = { timeoutMs: 60_000, intervalMs: 2_000 };

/** The last state seen: past publishing, or whatever it was when time ran out (null if none). */
export async function waitForTask(api: RunnerApi, options: WaitOptions): Promise<TaskStatus | null> {
  const deadline = options.now() + options.timeoutMs;
  let last: TaskStatus | null = null;
  for (;;) {
    try {
      last = await api.getTask();
    } catch (error) {
      options.log.warning(`Could not read the task's state: ${errorMessage(error)}`);
      return last;
    }
    if (last.state !== 'publishing' || options.now() >= deadline) return last;
    await options.sleep(options.intervalMs);
  }
}
