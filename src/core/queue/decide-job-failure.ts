// What happens to a queue job that threw: the one retry-or-give-up rule for every job. Pure.
import { isTransient } from './classify-error.ts';

export type JobFailureFacts = {
  /** The errors the job threw (Probot reports a handler's errors as a list). */
  errors: unknown[];
  /** The job is waiting for a GitHub write slot (not a failure: it goes back to the queue). */
  waitsForSlot: boolean;
  attempt: number;
  maxAttempts: number;
};

export type JobFailureDecision =
  /** Hand the job back to the queue for its write slot, without spending an attempt. */
  | { kind: 'defer' }
  /** A passing fault: the queue runs the job again after its backoff. */
  | { kind: 'retry' }
  /** Retrying cannot help, or the attempts are spent: record the failure where people see it. */
  | { kind: 'give_up'; transient: boolean };

export function decideJobFailure(facts: JobFailureFacts): JobFailureDecision {
  if (facts.waitsForSlot) return { kind: 'defer' };
  const transient = facts.errors.some(isTransient);
  if (transient && facts.attempt < facts.maxAttempts) return { kind: 'retry' };
  return { kind: 'give_up', transient };
}
