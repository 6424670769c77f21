// A request waiting for approval, compared with what GitHub shows now: its command comment (it
// may have been edited or deleted) and the thread text it includes. Any difference makes a new
// revision the approver must approve again (the status comment shows the new text), or ends the
// task when what is left is no runnable request. Never does an approval land on text its
// approver was not shown.
import { decideStart } from '../../core/command/decide-start.ts';
import { parseCommand } from '../../core/command/parse-command.ts';
import { type FrozenThread, threadChanges } from '../../core/prompt/frozen-thread.ts';
import { encode } from '../../core/render/encode.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { reviseRequest, transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';
import { commandBodyNow, readThreadNow, type ThreadRef } from './freeze-thread.ts';

/** Long enough for any comment GitHub accepts; the repository's own limit is checked after. */
export const PARSE_LIMIT = { maxPromptLength: 65_536 };

export type RequestNow = {
  /** The request the command comment holds now; undefined when it holds none it can run. */
  prompt: string | undefined;
  /** Why the comment's request cannot run, when it holds one. */
  refusal?: string;
  thread: FrozenThread;
};

/** Only a comment-made task has a request to compare (a scheduled one has no thread). */
export function threadRefOf(task: Task): ThreadRef {
  const requestedAt = task.thread?.requestedAt ?? task.createdAt.toISOString();
  return {
    repo: { owner: task.repoOwner, name: task.repoName },
    issueNumber: task.issueNumber!,
    command: { kind: task.commentKind!, id: task.commentId!, createdAt: requestedAt },
  };
}

/** What the request reads as on GitHub now; `body` when the caller has the comment's text. */
export async function readRequestNow(octokit: Octokit, task: Task, body?: string): Promise<RequestNow> {
  const ref = threadRefOf(task);
  const [thread, text] = await Promise.all([
    readThreadNow(octokit, ref),
    body === undefined ? commandBodyNow(octokit, ref) : Promise.resolve(body),
  ]);
  const parsed = text === undefined ? undefined : parseCommand(text, PARSE_LIMIT);
  if (!parsed?.found || !parsed.ok || parsed.command.kind !== 'run') return { prompt: undefined, thread };
  const decision = decideStart({
    command: parsed.command,
    config: task.settings,
    sender: { login: task.requesterLogin, id: task.requesterId, type: 'User' },
    permission: null,
    fromFork: false,
  });
  if (decision.kind === 'refuse')
    return { prompt: parsed.command.prompt, refusal: decision.error.message, thread };
  if (decision.engine !== task.engine)
    return {
      prompt: parsed.command.prompt,
      refusal: `the edited request asks for the engine ${encode(decision.engine, 'span')} instead of ${encode(task.engine, 'span')}; post a new request for that`,
      thread,
    };
  return { prompt: parsed.command.prompt, thread };
}

/** What changed between the request as recorded and as it reads now (empty: nothing). */
export function changesOf(task: Task, now: RequestNow): string[] {
  if (!task.thread) return ['the thread text was not recorded with the request'];
  return threadChanges({ prompt: task.prompt, thread: task.thread }, now);
}

export type RevisionOutcome = 'revised' | 'ended' | 'raced';

/**
 * Records the change: a new revision to approve again, or the end of a request that cannot run.
 * `changedAt` is GitHub's time of the change (or of the comment that found it): approvals
 * written before it are refused.
 */
export async function applyRequestChange(
  deps: AppDeps,
  task: Task,
  now: RequestNow,
  changes: string[],
  change: { actor: string; changedAt: Date },
): Promise<RevisionOutcome> {
  const { actor } = change;
  if (now.prompt === undefined || now.refusal !== undefined) {
    const why = now.refusal ?? 'it no longer holds an `/agent` request';
    const ended = await transitionTask(deps.pool, task.id, {
      type: 'cancel',
      actor,
      onlyFrom: ['awaiting_approval'],
      onlyRevision: task.requestRevision,
      payload: { changes },
      fields: { errorCode: null, errorMessage: `The request was changed after it was made, and ${why}.` },
    });
    return ended.ok ? 'ended' : 'raced';
  }
  const revised = await reviseRequest(
    deps.pool,
    task,
    { prompt: now.prompt, issueTitle: now.thread.title, thread: now.thread },
    { actor, payload: { changes }, changedAt: change.changedAt },
  );
  return revised ? 'revised' : 'raced';
}
