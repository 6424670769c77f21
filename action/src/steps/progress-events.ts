// The engine's progress events to the App, best effort: at most one per interval, a failure
// to send one only a warning; the step waits for those still in flight before it moves on.
import { errorMessage } from '../action-error.ts';
import type { Log } from '../github-runner/workflow-commands.ts';
import type { RunnerApi } from '../runner-api/runner-api-client.ts';
import type { ProgressEvent } from '../runner-api/task-result.ts';

const PROGRESS_INTERVAL_MS = 5_000;

export type ProgressEvents = { report(event: ProgressEvent): void; settled(): Promise<void> };

export function progressEvents(ctx: {
  api: Pick<RunnerApi, 'postEvent'>;
  log: Pick<Log, 'warning'>;
  now(): number;
}): ProgressEvents {
  const pending: Promise<void>[] = [];
  let last = Number.NEGATIVE_INFINITY;
  return {
    report(event) {
      if (ctx.now() - last < PROGRESS_INTERVAL_MS) return;
      last = ctx.now();
      pending.push(
        ctx.api
          .postEvent(event)
          .catch((error) => ctx.log.warning(`Progress not sent: ${errorMessage(error)}`)),
      );
    },
    async settled() {
      await Promise.allSettled(pending);
    },
  };
}
