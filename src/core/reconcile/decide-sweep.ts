// What the sweeper does with a task that has not moved for a while, given what GitHub says about
// its run. Pure: the sweeper reads the run and performs the decision.

import { errorMessage } from '../errors.ts';
import type { TaskState } from '../task/task-states.ts';

/** What to do with a run that vanished or completed without a result. */
export type LostRunPolicy = 'fail' | 'redispatch';

/** The run as GitHub reports it, or `missing` when GitHub answers 404. */
export type RunOnGitHub =
  | { kind: 'missing' }
  | { kind: 'found'; status: string; conclusion: string | null; htmlUrl: string };

export type SweepDecision =
  | { kind: 'none' }
  /** A `workflow_job` webhook was lost: catch up with where the run is. */
  | { kind: 'advance'; transition: 'gate_waiting' | 'run_started' }
  /** The run is gone or finished without a result: end the task visibly. */
  | { kind: 'fail'; message: string }
  /** …or dispatch it once more, as a new attempt. */
  | { kind: 'redispatch'; message: string };

function lostMessage(run: RunOnGitHub, url: string): string {
  return errorMessage('run_lost', {
    conclusion: run.kind === 'missing' ? 'missing' : (run.conclusion ?? 'unknown'),
    url,
  });
}

export function decideRunSweep(input: {
  state: TaskState;
  run: RunOnGitHub;
  runUrl: string;
  policy: LostRunPolicy;
  /** Whether the sweeper already dispatched this task again once. */
  redispatched: boolean;
}): SweepDecision {
  const { state, run } = input;
  const lost = run.kind === 'missing' || run.status === 'completed';
  if (lost) {
    const url = run.kind === 'found' && run.htmlUrl ? run.htmlUrl : input.runUrl;
    const message = lostMessage(run, url);
    return input.policy === 'redispatch' && !input.redispatched
      ? { kind: 'redispatch', message }
      : { kind: 'fail', message };
  }
  if (run.status === 'in_progress' && (state === 'dispatched' || state === 'waiting_approval'))
    return { kind: 'advance', transition: 'run_started' };
  if (run.status === 'waiting' && state === 'dispatched')
    return { kind: 'advance', transition: 'gate_waiting' };
  return { kind: 'none' };
}

/** A queue job as the sweeper sees it, by its job key. */
export type JobRecord = { lockedAt: Date | null; attempts: number; maxAttempts: number } | undefined;

/** Whether a task's follow-up job must be queued again: it is gone, or it gave up while unlocked. */
export function jobNeedsRequeue(job: JobRecord): boolean {
  if (job === undefined) return true;
  return job.lockedAt === null && job.attempts >= job.maxAttempts;
}
