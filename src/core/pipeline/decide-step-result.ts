// What a job's result does to a pipeline task (decideResult says what it does to any task). A
// failed step ends the pipeline with its reason. A read-only step's change is discarded: it hands
// on its text (a review its verdict too), and the pipeline moves on, waits for approval, or ends.
// A diff step's change goes to publishing, where it is checked by the policy and then handed on
// or published. Pure.
import type { JobResult } from '../../contract/job-result.ts';
import { errorMessage } from '../errors.ts';
import type { ResultDecision } from '../run/decide-result.ts';
import { newAttemptFields, type Task, type TaskFields } from '../task/task.ts';
import { decideAfterStep, type StepNext } from './decide-step.ts';
import { handoffText, reviewVerdict } from './handoff-text.ts';
import type { Pipeline } from './pipeline.ts';

export type StepEndingDecision = {
  state: 'done' | 'failed';
  handoffText: string | null;
  verdict: 'approve' | 'changes' | null;
  error: string | null;
};

export type StepResultDecision = ResultDecision & {
  /** How the step's run ended; undefined for a diff step's change (the publish job records it). */
  ending: StepEndingDecision | undefined;
};

/** The fields of the task for the next step's run (a new attempt). */
export function nextRunFields(
  task: Task,
  pipeline: Pipeline,
  next: Extract<StepNext, { kind: 'run' }>,
): TaskFields {
  return {
    ...newAttemptFields(task),
    stepIndex: next.index,
    stepRound: next.round,
    engine: pipeline.steps[next.index]!.engine,
  };
}

/** The transition that carries out `next` (after a step, or after a diff was handed on). */
export function transitionFor(
  task: Task,
  pipeline: Pipeline,
  next: StepNext,
  fields: TaskFields,
): ResultDecision {
  switch (next.kind) {
    case 'run':
      return { type: 'step_done', fields: { ...fields, ...nextRunFields(task, pipeline, next) } };
    case 'await_approval':
      return { type: 'await_plan_approval', fields };
    case 'publish':
    case 'post_review':
      // To publishing: the publish job opens the pull request, or posts the review on it.
      return { type: 'result_received', fields };
    case 'no_changes':
      return { type: 'no_changes', fields };
  }
}

export function decideStepResult(
  task: Task,
  result: JobResult,
  decision: ResultDecision,
): StepResultDecision {
  const pipeline = task.pipeline!;
  const at = { index: task.stepIndex ?? 0, round: task.stepRound ?? 1 };
  const step = pipeline.steps[at.index]!;
  const completed = decision.type === 'result_received' || decision.type === 'no_changes';
  if (!completed) {
    const error = decision.fields.errorMessage ?? null;
    return { ...decision, ending: { state: 'failed', handoffText: null, verdict: null, error } };
  }
  if (step.handoff === 'diff') {
    if (decision.type === 'result_received') return { ...decision, ending: undefined };
    return { ...decision, ending: { state: 'done', handoffText: null, verdict: null, error: null } };
  }
  const text = handoffText(step.handoff, result.report);
  if (text === null) {
    const message = errorMessage('handoff_missing', { step: step.name, handoff: step.handoff });
    return {
      type: 'fail',
      fields: { ...decision.fields, errorCode: 'handoff_missing', errorMessage: message },
      ending: { state: 'failed', handoffText: null, verdict: null, error: message },
    };
  }
  const verdict = step.handoff === 'review' ? (reviewVerdict(text) ?? 'changes') : null;
  const next = decideAfterStep(pipeline, at, { verdict, hasDiff: task.changeAttempt !== null });
  return {
    ...transitionFor(task, pipeline, next, decision.fields),
    ending: { state: 'done', handoffText: text, verdict, error: null },
  };
}
