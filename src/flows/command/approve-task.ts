// `/agent approve`: an approval approves exactly the request its approver was shown. Before the
// task moves, the command comment and the thread are read again and compared with what was
// recorded; any difference makes a new revision (shown in the status comment) and the approval is
// refused, to be given again. An approval written before the request last changed is refused too,
// and the approval lands only on the revision it checked.
import { errorMessage } from '../../core/errors.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { type TransitionOutcome, transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';
import type { CommandSource } from './command-source.ts';
import { applyRequestChange, changesOf, readRequestNow } from './revise-request.ts';

export type ApproveInput = {
  source: CommandSource;
  octokit: Octokit;
  task: Task;
  reply: (body: string) => Promise<void>;
  log: Logger;
};

/** The approval's outcome, or undefined when it was refused with a reply already. */
export async function approveTask(
  deps: AppDeps,
  input: ApproveInput,
): Promise<TransitionOutcome | undefined> {
  const { source, octokit, task, reply, log } = input;
  // GitHub's times on both sides (whole seconds): an approval written before the request last
  // changed approves text its author was not shown.
  const writtenAt = Date.parse(source.comment.createdAt);
  if (task.requestChangedAt && writtenAt < task.requestChangedAt.getTime()) {
    log.info({ taskId: task.id }, 'approval older than the request it would approve');
    await reply(
      errorMessage('request_changed', {
        taskId: task.id,
        changes: ['the request was changed after your approval was written'],
      }),
    );
    return undefined;
  }
  const now = await readRequestNow(octokit, task);
  const changes = changesOf(task, now);
  if (changes.length > 0) {
    const outcome = await applyRequestChange(deps, task, now, changes, {
      actor: 'agent-dispatch',
      changedAt: new Date(writtenAt),
    });
    log.info({ taskId: task.id, changes, outcome }, 'approval refused: the request changed');
    if (outcome !== 'ended') await reply(errorMessage('request_changed', { taskId: task.id, changes }));
    return undefined;
  }
  return transitionTask(deps.pool, task.id, {
    type: 'approve',
    actor: source.sender.login,
    onlyRevision: task.requestRevision,
    payload: { revision: task.requestRevision, approverId: source.sender.id },
    fields: { approvedBy: source.sender.login, approvedById: source.sender.id },
  });
}
