// Cancel, retry, approve or reject one task, for whoever asks — a comment command or the REST
// API — with the same rules: the actor's permission from the collaborator-permission API, the
// access decision of core/access (approval follows the repository's trigger rule), the
// transition table; the actor is recorded with the event. Approval re-checks the request it
// approves (approve-task.ts); cancelling a publishing task waits for the publish (cancel-task.ts).

import type { Actor } from '../../core/access/decide-access.ts';
import { decideManageAccess } from '../../core/access/decide-access.ts';
import type { RepoConfig } from '../../core/repo-config/schema.ts';
import type { ActionVia, Task } from '../../core/task/task.ts';
import { newAttemptFields } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readPermission } from '../../github/read-permission.ts';
import { type TransitionOutcome, transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';
import { replanTask } from '../pipeline/replan-task.ts';
import { approveTask } from './approve-task.ts';
import { cancelTask } from './cancel-task.ts';
import type { CommandSource } from './command-source.ts';

export type TaskAction = 'cancel' | 'retry' | 'approve' | 'reject' | 'replan';

export type ActOnTaskInput = {
  task: Task;
  action: TaskAction;
  actor: Actor;
  /** A client of the task's repository, to read the actor's permission, and that repository. */
  octokit: Octokit;
  repo: CommandSource['repo'];
  reason?: string | undefined;
  /** Where the request came from, kept with the event. */
  via: ActionVia;
  /** The repository's configuration now (its trigger rule decides who may approve); the task's own when absent. */
  config?: RepoConfig | undefined;
  /** When the request was made (GitHub's time for a comment): an approval older than the last change is refused. */
  writtenAt?: Date | undefined;
};

export type ActOnTaskOutcome =
  | { ok: true; task: Task }
  /** The actor may not do this (`silent`: a bot, answered with nothing). */
  | { ok: false; refused: 'access'; reason: string; silent: boolean }
  /** The task's state does not allow it (it moved on, or was never there). */
  | { ok: false; refused: 'state'; reason: string }
  /** The request changed since it was shown: `message` says what (empty when its status comment does). */
  | { ok: false; refused: 'changed'; reason: string; message: string };

async function move(
  deps: AppDeps,
  input: ActOnTaskInput,
): Promise<TransitionOutcome | { ok: false; refusal: string }> {
  const { task, action, via } = input;
  const actor = input.actor.login;
  switch (action) {
    case 'cancel':
      return cancelTask(deps, input.octokit, task, { login: actor, via });
    case 'replan':
      return replanTask(deps, task, { login: actor, via }, input.reason ?? '');
    case 'retry':
      return transitionTask(deps.pool, task.id, {
        type: 'retry',
        actor,
        payload: { via, previousRunId: task.workflowRunId, previousError: task.errorCode },
        fields: newAttemptFields(task),
      });
    case 'approve':
      return approveTask(deps, {
        octokit: input.octokit,
        task,
        approver: input.actor,
        writtenAt: input.writtenAt ?? new Date(),
        via,
      });
    case 'reject':
      return transitionTask(deps.pool, task.id, {
        type: 'reject',
        actor,
        onlyFrom: ['awaiting_approval', 'awaiting_plan_approval'],
        payload: { via, reason: input.reason ?? null },
        fields: {
          errorCode: null,
          errorMessage: `Rejected by @${actor}${input.reason ? `: ${input.reason}` : '.'}`,
        },
      });
  }
}

export async function actOnTask(deps: AppDeps, input: ActOnTaskInput): Promise<ActOnTaskOutcome> {
  const { task, action, actor, octokit } = input;
  const permission = await readPermission(octokit, { repo: input.repo, sender: actor });
  const access = decideManageAccess(
    actor,
    permission,
    action === 'approve' && task.state === 'awaiting_plan_approval' ? 'approve_plan' : action,
    task.requesterId,
    input.config ?? task.settings,
  );
  if (access.decision !== 'allow') {
    deps.log.info({ taskId: task.id, action, reason: access.reason, via: input.via }, 'management refused');
    return {
      ok: false,
      refused: 'access',
      reason: access.reason,
      silent: 'silent' in access && access.silent === true,
    };
  }
  const result = await move(deps, input);
  if ('refusal' in result)
    return {
      ok: false,
      refused: 'changed',
      reason: 'the request changed since it was shown',
      message: result.refusal,
    };
  if (!result.ok) return { ok: false, refused: 'state', reason: result.reason };
  deps.log.info({ taskId: task.id, action, state: result.task.state, via: input.via }, 'task managed');
  return { ok: true, task: result.task };
}
