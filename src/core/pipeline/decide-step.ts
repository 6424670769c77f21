// Where a pipeline goes after one of its steps: the next step, the fix step of a review that asked
// for changes (at most `max-rounds` reviews), a wait for approval of what the step handed on, or
// its end — publishing its last diff, or no changes. A review of the pull request comes after the
// publish, and its end posts the review. Pure.
import type { Pipeline } from './pipeline.ts';

export type Position = { index: number; round: number };

export type StepNext =
  | { kind: 'run'; index: number; round: number }
  | { kind: 'await_approval' }
  | { kind: 'publish'; unresolved: boolean }
  /** A review of the open pull request ended: post it there, and the task is done. */
  | { kind: 'post_review' }
  | { kind: 'no_changes' };

/** The review step a diff step fixes for, if any. */
export function reviewFixedBy(pipeline: Pipeline, index: number): number | undefined {
  const at = pipeline.steps.findIndex((s) => s.review?.fix === index);
  return at >= 0 ? at : undefined;
}

/** After step `index` (and its approval, if it needed one): the next step, or the end. */
export function continueAfter(
  pipeline: Pipeline,
  index: number,
  hasDiff: boolean,
  unresolved = false,
): StepNext {
  const next = pipeline.steps[index + 1];
  // A review of the pull request runs once the pull request is open: the change is published first.
  if (next?.review?.pullRequest) return hasDiff ? { kind: 'publish', unresolved } : { kind: 'no_changes' };
  if (next) return { kind: 'run', index: index + 1, round: 1 };
  return hasDiff ? { kind: 'publish', unresolved } : { kind: 'no_changes' };
}

export type StepEnd = {
  /** A review's verdict (null for other steps). */
  verdict: 'approve' | 'changes' | null;
  /** Whether the pipeline holds a change to publish (its last diff handoff, or this step's). */
  hasDiff: boolean;
};

export function decideAfterStep(pipeline: Pipeline, at: Position, end: StepEnd): StepNext {
  const step = pipeline.steps[at.index];
  if (!step) return end.hasDiff ? { kind: 'publish', unresolved: false } : { kind: 'no_changes' };
  // A fix run (a diff step in a round after the first) goes back to the review it fixes for.
  const review = reviewFixedBy(pipeline, at.index);
  if (step.handoff === 'diff' && at.round > 1 && review !== undefined)
    return { kind: 'run', index: review, round: at.round };
  if (step.review?.pullRequest) return { kind: 'post_review' };
  if (step.review) {
    if (end.verdict === 'approve') return continueAfter(pipeline, at.index, end.hasDiff);
    if (at.round < step.review.maxRounds) return { kind: 'run', index: step.review.fix, round: at.round + 1 };
    // The loop is bounded: the change goes on, its last review with it.
    return continueAfter(pipeline, at.index, end.hasDiff, true);
  }
  if (step.approval) return { kind: 'await_approval' };
  return continueAfter(pipeline, at.index, end.hasDiff);
}

/** After an approval of what step `index` handed on. */
export function decideAfterApproval(pipeline: Pipeline, index: number, hasDiff: boolean): StepNext {
  return continueAfter(pipeline, index, hasDiff);
}
