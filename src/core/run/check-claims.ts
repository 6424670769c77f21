// Whether a verified Actions OIDC token belongs to the task's run: the ids in its claims against
// the task. Names alone are never trusted (they can be recycled); ids are. Pure.
import { AppError } from '../errors.ts';
import type { Task } from '../task/task.ts';

export type ActionsClaims = {
  iss?: string;
  aud?: string | string[];
  exp?: number;
  iat?: number;
  repository?: string;
  repository_id?: string;
  run_id?: string;
  run_attempt?: string;
  event_name?: string;
  workflow_ref?: string;
  ref?: string;
  sha?: string;
  environment?: string;
};

/** Do the token's claims name this task's repository, run and workflow? */
export function checkClaimsForTask(claims: ActionsClaims, task: Task): AppError | undefined {
  if (claims.repository_id !== String(task.repoId)) {
    return new AppError('wrong_run', { reason: 'the token is for another repository' });
  }
  if (task.workflowRunId === null) {
    return new AppError('run_not_recorded', { reason: 'the task has no run recorded yet; retry shortly' });
  }
  if (claims.run_id !== String(task.workflowRunId)) {
    return new AppError('wrong_run', { reason: 'the token is for another workflow run' });
  }
  if (claims.event_name !== undefined && claims.event_name !== 'workflow_dispatch') {
    return new AppError('wrong_run', { reason: 'the token is not from a workflow_dispatch run' });
  }
  const workflow = task.workflowFile ?? task.settings.workflow;
  const expected = `${task.repoOwner}/${task.repoName}/.github/workflows/${workflow}@`;
  if (
    claims.workflow_ref !== undefined &&
    !claims.workflow_ref.toLowerCase().startsWith(expected.toLowerCase())
  ) {
    return new AppError('wrong_run', { reason: "the token is from another workflow than the task's" });
  }
  return undefined;
}
