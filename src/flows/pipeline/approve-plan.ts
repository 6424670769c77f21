// `/agent approve` of a task waiting on its plan (or another handoff): the approval approves the
// exact content the App posted — its SHA-256 is recorded with the approval. The plan comment is
// read again first: an approval written before that plan was posted, or of a comment someone
// edited since, is refused (the comment is put back). Enforced here, never by the prompt.

import type { Actor } from '../../core/access/decide-access.ts';
import { errorMessage } from '../../core/errors.ts';
import { decideAfterApproval } from '../../core/pipeline/decide-step.ts';
import { nextRunFields } from '../../core/pipeline/decide-step-result.ts';
import type { ActionVia, Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { appendTaskEvent } from '../../store/task-events.ts';
import { stepRun } from '../../store/task-steps.ts';
import { approveHandoffTransition, type TransitionOutcome } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';
import { digestOf, restoreHandoffComment } from './post-handoff.ts';

export type PlanApproval = {
  octokit: Octokit;
  task: Task;
  approver: Actor;
  writtenAt: Date;
  via: ActionVia;
};

const refused = (taskId: number, reason: string) => ({
  ok: false as const,
  refusal: errorMessage('plan_changed', { taskId, reason }),
});

export async function approvePlan(
  deps: AppDeps,
  input: PlanApproval,
): Promise<TransitionOutcome | { ok: false; refusal: string }> {
  const { task, octokit, approver } = input;
  const run = await stepRun(deps.pool, task.id, task.attempt);
  if (!run?.handoffSha256 || run.commentId === null) return refused(task.id, 'its plan is not posted yet');
  const { data: comment } = await octokit.rest.issues.getComment({
    owner: task.repoOwner,
    repo: task.repoName,
    comment_id: run.commentId,
  });
  // GitHub's times on both sides: an approval written before this plan was posted approved another.
  if (input.writtenAt.getTime() < new Date(comment.created_at).getTime())
    return refused(task.id, 'the approval was written before this plan was posted');
  if (digestOf(comment.body ?? '') !== run.commentDigest) {
    await restoreHandoffComment(octokit, task, run);
    await appendTaskEvent(deps.pool, task.id, {
      type: 'handoff_edit_refused',
      actor: approver.login,
      payload: { attempt: run.attempt, step: run.name, sha256: run.handoffSha256, at: 'approval' },
    });
    return refused(
      task.id,
      'its plan comment was edited after it was posted, so it no longer showed the plan; it shows it again',
    );
  }
  const pipeline = task.pipeline!;
  const next = decideAfterApproval(pipeline, task.stepIndex ?? 0, task.changeAttempt !== null);
  if (next.kind !== 'run') return refused(task.id, 'the pipeline has no step after this one');
  return approveHandoffTransition(
    deps.pool,
    task,
    {
      attempt: run.attempt,
      sha256: run.handoffSha256,
      approverLogin: approver.login,
      approverId: approver.id,
      via: input.via,
    },
    {
      type: 'approve_plan',
      actor: approver.login,
      payload: {
        via: input.via,
        step: run.name,
        attempt: run.attempt,
        sha256: run.handoffSha256,
        approverId: approver.id,
      },
      fields: nextRunFields(task, pipeline, next),
    },
  );
}
