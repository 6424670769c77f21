// `/agent replan [task] <feedback>`: the plan step runs again with the previous plan and the
// feedback, and any approval of a plan of the task no longer counts: the new plan needs its own.
import type { ActionVia } from '../../core/task/task.ts';
import { newAttemptFields, type Task } from '../../core/task/task.ts';
import { setStepFeedback, supersedeApprovals } from '../../store/task-steps.ts';
import { type TransitionOutcome, transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';

export async function replanTask(
  deps: AppDeps,
  task: Task,
  by: { login: string; via: ActionVia },
  feedback: string,
): Promise<TransitionOutcome> {
  if (!task.pipeline || task.state !== 'awaiting_plan_approval')
    return { ok: false, reason: `task ${task.id} is not waiting for approval of a plan`, task };
  // Kept on the plan it answers, so the next plan step is given both.
  await setStepFeedback(
    deps.pool,
    task.id,
    task.attempt,
    feedback.trim() || '(no feedback given: write a better plan)',
  );
  const moved = await transitionTask(deps.pool, task.id, {
    type: 'replan',
    actor: by.login,
    onlyFrom: ['awaiting_plan_approval'],
    payload: { via: by.via, feedback, previousAttempt: task.attempt },
    fields: { ...newAttemptFields(task), stepRound: (task.stepRound ?? 1) + 1 },
  });
  if (moved.ok) await supersedeApprovals(deps.pool, task.id);
  return moved;
}
