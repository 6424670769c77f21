// `/agent cancel` of a task that is publishing waits for the publish: it takes the publish lock
// (src/flows/publish/publish-task.ts holds `publish:<task>` around every publish), so a cancel
// never lands between the App's writes on GitHub. After the lock, either the publish finished (the
// task is published — the reply says where — or ended otherwise) or it never started or stopped
// half-way; then the task is cancelled, recording what an earlier publish attempt had already
// made (its branch, its pull request), so no open pull request or branch is left unrecorded, and
// the publish job finds the task cancelled and does nothing.
import type { ActionVia, Task, TaskFields } from '../../core/task/task.ts';
import { isTerminal, TASK_STATES, type TaskState } from '../../core/task/task-states.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readBranchHead } from '../../github/read-branch-head.ts';
import { type TransitionOutcome, transitionTask } from '../../store/task-transitions.ts';
import { getTask } from '../../store/tasks.ts';
import { withAdvisoryLock } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';

/** What an interrupted publish left on GitHub, as fields to record and a sentence to show. */
async function leftOver(octokit: Octokit, task: Task): Promise<{ fields: TaskFields; note: string }> {
  if (!task.branch) return { fields: {}, note: '' };
  const head = await readBranchHead(octokit, { owner: task.repoOwner, name: task.repoName }, task.branch);
  if (task.followUpOfPr !== null) {
    return head && head !== task.baseSha
      ? {
          fields: { commitSha: head, prNumber: task.followUpOfPr },
          note: ` A commit (${head.slice(0, 7)}) had already been pushed to pull request #${task.followUpOfPr}.`,
        }
      : { fields: {}, note: '' };
  }
  if (!head) return { fields: {}, note: '' };
  const { data: pulls } = await octokit.rest.pulls.list({
    owner: task.repoOwner,
    repo: task.repoName,
    head: `${task.repoOwner}:${task.branch}`,
    state: 'open',
  });
  const pr = pulls[0];
  return pr
    ? {
        fields: { commitSha: head, prNumber: pr.number, prUrl: pr.html_url },
        note: ` Its pull request ${pr.html_url} had already been opened; close it if you do not want the change.`,
      }
    : {
        fields: { commitSha: head },
        note: ` Its branch had already been made; delete it if you do not want it.`,
      };
}

/** Live states a cancel may leave without waiting for a publish. */
const NOT_PUBLISHING: readonly TaskState[] = TASK_STATES.filter((s) => !isTerminal(s) && s !== 'publishing');
const NOTHING = { fields: {}, note: '' };

type Canceller = { login: string; via: ActionVia };

function cancel(
  deps: AppDeps,
  taskId: number,
  by: Canceller,
  onlyFrom: readonly TaskState[],
  extra: { fields: TaskFields; note: string },
) {
  const actor = by.login;
  return transitionTask(deps.pool, taskId, {
    type: 'cancel',
    actor,
    onlyFrom,
    payload: { via: by.via },
    fields: { ...extra.fields, errorCode: null, errorMessage: `Cancelled by @${actor}.${extra.note}` },
  });
}

export async function cancelTask(
  deps: AppDeps,
  octokit: Octokit,
  task: Task,
  by: Canceller,
): Promise<TransitionOutcome> {
  if (task.state !== 'publishing') {
    const outcome = await cancel(deps, task.id, by, NOT_PUBLISHING, NOTHING);
    // It reached publishing meanwhile: cancel the way a publishing task is cancelled.
    if (outcome.ok || outcome.task?.state !== 'publishing') return outcome;
  }
  return withAdvisoryLock(deps.pool, `publish:${task.id}`, async () => {
    const current = await getTask(deps.pool, task.id);
    if (current?.state !== 'publishing') {
      if (current?.state === 'succeeded' && current.prUrl)
        return {
          ok: false,
          task: current,
          reason: `it was published before the cancel took effect, in ${current.prUrl}; close that pull request if you do not want the change`,
        };
      return cancel(deps, task.id, by, NOT_PUBLISHING, NOTHING);
    }
    return cancel(deps, task.id, by, ['publishing'], await leftOver(octokit, current));
  });
}
