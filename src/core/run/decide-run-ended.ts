// What a `workflow_run.completed` does to a task that got no result from its job. Pure: a run
// stopped at its environment gate (a reviewer or a protection rule rejected it) rejects the
// task; any other ending fails it with a link to the logs.
import { errorMessage } from '../errors.ts';
import type { TaskFields } from '../task/task.ts';
import type { TaskState, TransitionType } from '../task/task-states.ts';

type JobFacts = { conclusion: string | null; runner_name?: string | null; steps?: unknown[] | null };

/** A job that failed without a runner and without steps was stopped at its gate. */
export function stoppedAtGate(jobs: JobFacts[]): boolean {
  return jobs.some(
    (job) => job.conclusion === 'failure' && !job.runner_name && (job.steps?.length ?? 0) === 0,
  );
}

/** Whether the run's jobs must be read to tell a gate rejection from a failure. */
export function mayHaveStoppedAtGate(state: TaskState, conclusion: string): boolean {
  return conclusion === 'failure' && (state === 'dispatched' || state === 'waiting_approval');
}

export type RunEndedDecision = {
  type: Extract<TransitionType, 'reject' | 'fail'>;
  onlyFrom: readonly TaskState[];
  fields: TaskFields;
};

export function decideRunEnded(facts: {
  conclusion: string;
  url: string;
  environment: string;
  /** The run's jobs were read and one was stopped at its gate. */
  stoppedAtGate: boolean;
}): RunEndedDecision {
  if (facts.stoppedAtGate) {
    return {
      type: 'reject',
      onlyFrom: ['dispatched', 'waiting_approval'],
      fields: {
        errorCode: 'gate_rejected',
        errorMessage: errorMessage('gate_rejected', { environment: facts.environment, url: facts.url }),
      },
    };
  }
  return {
    type: 'fail',
    onlyFrom: ['dispatched', 'waiting_approval', 'running'],
    fields: {
      errorCode: 'run_failed',
      errorMessage: errorMessage('run_failed', { conclusion: facts.conclusion, url: facts.url }),
    },
  };
}
