// A diff step's change, after the policy passed it: handed on to the next step (it becomes the
// pipeline's change, applied to every later step's checkout) or, at the pipeline's end, left to
// publish. Runs in the publish job, under its lock.
import { createHash } from 'node:crypto';
import { decideAfterStep } from '../../core/pipeline/decide-step.ts';
import { nextRunFields, transitionFor } from '../../core/pipeline/decide-step-result.ts';
import { pullRequestReviewStep } from '../../core/pipeline/pipeline.ts';
import type { Task, TaskFields } from '../../core/task/task.ts';
import { patchOf } from '../../store/task-results.ts';
import { endStepRun } from '../../store/task-steps.ts';
import { transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';

/** The attempt whose change a publish of `task` publishes. */
export function publishAttempt(task: Task): number {
  const step = task.pipeline?.steps[task.stepIndex ?? 0];
  if (!task.pipeline || step?.handoff === 'diff' || task.changeAttempt === null) return task.attempt;
  return task.changeAttempt;
}

/** True when the change was handed on (or the task moved meanwhile); false: publish it now. */
export async function handOnChange(deps: AppDeps, task: Task): Promise<boolean> {
  const pipeline = task.pipeline!;
  const at = { index: task.stepIndex ?? 0, round: task.stepRound ?? 1 };
  const step = pipeline.steps[at.index];
  if (step?.handoff !== 'diff') return false;
  const next = decideAfterStep(pipeline, at, { verdict: null, hasDiff: true });
  const patch = (await patchOf(deps.pool, task.id, task.attempt)) ?? '';
  const sha256 = createHash('sha256').update(patch).digest('hex');
  await endStepRun(deps.pool, task.id, task.attempt, { state: 'done', handoffSha256: sha256 });
  if (next.kind === 'publish') {
    // The pipeline ends with this change: the caller publishes it.
    return false;
  }
  const decision = transitionFor(task, pipeline, next, { changeAttempt: task.attempt });
  const moved = await transitionTask(deps.pool, task.id, {
    type: decision.type,
    actor: 'agent-dispatch',
    onlyFrom: ['publishing'],
    payload: { step: step.name, round: at.round, handedOn: 'diff', handoffSha256: sha256 },
    fields: decision.fields,
  });
  deps.log.info({ taskId: task.id, step: step.name, ok: moved.ok }, 'diff handed on');
  return true;
}

/**
 * After the pull request opened: when the pipeline's last step reviews it, that step runs now
 * (handed the published change). True when it was queued (or the task moved meanwhile).
 */
export async function reviewPullRequestNext(
  deps: AppDeps,
  task: Task,
  published: TaskFields,
): Promise<boolean> {
  const pipeline = task.pipeline!;
  const index = pullRequestReviewStep(pipeline);
  if (index === undefined || (task.stepIndex ?? 0) >= index) return false;
  const moved = await transitionTask(deps.pool, task.id, {
    type: 'step_done',
    actor: 'agent-dispatch',
    onlyFrom: ['publishing'],
    payload: {
      published: true,
      pr: published.prNumber,
      commit: published.commitSha,
      next: pipeline.steps[index]!.name,
    },
    fields: {
      ...published,
      changeAttempt: publishAttempt(task),
      ...nextRunFields(task, pipeline, { kind: 'run', index, round: 1 }),
    },
  });
  deps.log.info({ taskId: task.id, pr: published.prNumber, ok: moved.ok }, 'pull request review step queued');
  return true;
}
