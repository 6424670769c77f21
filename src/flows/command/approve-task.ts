// Approving a task: an approval approves exactly the request its approver was shown. Before the
// task moves, the command comment and the thread are read again and compared with what was
// recorded; any difference makes a new revision (shown in the status comment) and the approval is
// refused, to be given again. An approval written before the request last changed is refused too,
// and the approval lands only on the revision it checked. Comment commands and the API both
// come here (through act-on-task.ts).

import type { Actor } from '../../core/access/decide-access.ts';
import { errorMessage } from '../../core/errors.ts';
import type { ActionVia, Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { type TransitionOutcome, transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';
import { approvePlan } from '../pipeline/approve-plan.ts';
import { applyRequestChange, changesOf, readRequestNow } from './revise-request.ts';

export type ApproveInput = {
  octokit: Octokit;
  task: Task;
  approver: Actor;
  /** When the approval was written (GitHub's time for a comment; now for the API). */
  writtenAt: Date;
  /** Where the approval came from, kept with the event. */
  via: ActionVia;
};

/** The approval's outcome; a refusal's reason says what changed. */
export async function approveTask(
  deps: AppDeps,
  input: ApproveInput,
): Promise<TransitionOutcome | { ok: false; refusal: string }> {
  const { octokit, task, approver, writtenAt } = input;
  // A pipeline waiting on its plan: the approval approves that plan's exact content.
  if (task.state === 'awaiting_plan_approval') return approvePlan(deps, input);
  // GitHub's times on both sides (whole seconds): an approval written before the request last
  // changed approves text its author was not shown.
  if (task.requestChangedAt && writtenAt.getTime() < task.requestChangedAt.getTime()) {
    deps.log.info({ taskId: task.id }, 'approval older than the request it would approve');
    return {
      ok: false,
      refusal: errorMessage('request_changed', {
        taskId: task.id,
        changes: ['the request was changed after your approval was written'],
      }),
    };
  }
  const now = await readRequestNow(octokit, task);
  const changes = changesOf(task, now);
  if (changes.length > 0) {
    const outcome = await applyRequestChange(deps, task, now, changes, {
      actor: 'agent-dispatch',
      changedAt: writtenAt,
    });
    deps.log.info({ taskId: task.id, changes, outcome }, 'approval refused: the request changed');
    // A request that ended says so in its status comment; no reply on top of it.
    return {
      ok: false,
      refusal: outcome === 'ended' ? '' : errorMessage('request_changed', { taskId: task.id, changes }),
    };
  }
  return transitionTask(deps.pool, task.id, {
    type: 'approve',
    actor: approver.login,
    onlyRevision: task.requestRevision,
    payload: { via: input.via, revision: task.requestRevision, approverId: approver.id },
    fields: { approvedBy: approver.login, approvedById: approver.id },
  });
}
