// Fixes what the job will do, when the task is dispatched: the commit to start from and the
// prompt, built from the thread text frozen when the task was requested (never read again from
// GitHub: what an approver approved is what runs, and nothing written later gets in), plus the
// repository's instructions file from its default branch.

import { type TaskSpec, taskSpecSchema } from '../../contract/task-spec.ts';
import { AppError } from '../../core/errors.ts';
import { buildPrompt } from '../../core/prompt/build-prompt.ts';
import type { FrozenThread } from '../../core/prompt/frozen-thread.ts';
import type { Task } from '../../core/task/task.ts';
import { wellFormed } from '../../core/text/well-formed.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readBranchCommit } from '../../github/read-branch-head.ts';
import type { StepSpec } from '../pipeline/step-spec.ts';

export const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md'] as const;
export const MAX_RESULT_BYTES = 20 * 1024 * 1024;

export type Instructions = { path: string; content: string } | undefined;

/** The first instructions file at the root of `treeish`: one listing of the root (which says
 *  whether either file exists), then the blob of the one found — never a read per candidate.
 *  Also says which tree was listed (a branch name's listing is of the commit it named then). */
async function readInstructions(
  octokit: Octokit,
  task: Task,
  treeish: string,
): Promise<{ treeSha: string; instructions: Instructions }> {
  const repo = { owner: task.repoOwner, repo: task.repoName };
  const { data: root } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeish });
  for (const path of INSTRUCTION_FILES) {
    // A regular file only (a symlink's mode is 120000): what the contents API calls a file.
    const entry = root.tree.find(
      (e) => e.path === path && e.type === 'blob' && (e.mode === '100644' || e.mode === '100755'),
    );
    if (!entry?.sha) continue;
    const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: entry.sha });
    const bytes = Buffer.from(data.content, data.encoding === 'utf-8' ? 'utf8' : 'base64');
    return { treeSha: root.sha, instructions: { path, content: wellFormed(bytes.toString('utf8')) } };
  }
  return { treeSha: root.sha, instructions: undefined };
}

export type Checkout = { sha: string; branch: string; defaultBranch: string };

/**
 * The commit the job starts from and the repository's instructions file from its default branch
 * (from that very commit when the checkout is on the default branch). The branch's head and the
 * root listing are read side by side — the listing by the branch's name — and the listing is
 * read again by the commit's own tree in the rare case the branch moved between the two.
 */
export async function readCheckout(
  octokit: Octokit,
  task: Task,
  at: { branch: string; defaultBranch: string },
): Promise<{ checkout: Checkout; instructions: Instructions }> {
  const onDefault = at.branch === at.defaultBranch;
  // A pipeline's later steps start from its first step's commit: their handoffs are changes to it.
  if (task.baseSha) {
    const read = await readInstructions(octokit, task, onDefault ? task.baseSha : at.defaultBranch);
    return { checkout: { ...at, sha: task.baseSha }, instructions: read.instructions };
  }
  const reading = readInstructions(octokit, task, at.defaultBranch);
  reading.catch(() => undefined); // a missing branch is the error to report, not the listing's
  const head = await readBranchCommit(octokit, { owner: task.repoOwner, name: task.repoName }, at.branch);
  if (!head) throw new AppError('branch_missing', { branch: at.branch });
  const listed = await reading;
  const checkout = { ...at, sha: head.sha };
  if (onDefault && listed.treeSha !== head.treeSha) {
    const again = await readInstructions(octokit, task, head.treeSha);
    return { checkout, instructions: again.instructions };
  }
  return { checkout, instructions: listed.instructions };
}

/**
 * The frozen thread; a task recorded before threads were frozen gets only the title it stored
 * (its thread is not read now, after the fact) and the issue's address.
 */
async function threadOf(octokit: Octokit, task: Task): Promise<FrozenThread> {
  if (task.thread) return task.thread;
  if (task.issueNumber === null) {
    // A scheduled task: no thread, the repository's own address.
    const at = task.createdAt.toISOString();
    return { title: task.issueTitle, body: '', htmlUrl: '', comments: [], requestedAt: at, frozenAt: at };
  }
  const { data } = await octokit.rest.issues.get({
    owner: task.repoOwner,
    repo: task.repoName,
    issue_number: task.issueNumber,
  });
  const at = task.createdAt.toISOString();
  return {
    title: task.issueTitle,
    body: '',
    htmlUrl: data.html_url,
    comments: [],
    requestedAt: at,
    frozenAt: at,
  };
}

export async function buildSpec(
  octokit: Octokit,
  task: Task,
  read: { checkout: Checkout; instructions: Instructions },
  step?: StepSpec,
): Promise<TaskSpec> {
  const { checkout, instructions } = read;
  const thread = await threadOf(octokit, task);
  const limits = task.settings.limits;
  // The action validates the spec with the same schema; checking it here keeps a bad one from
  // ever being stored and served.
  return taskSpecSchema.parse({
    task: {
      id: task.id,
      attempt: task.attempt,
      repository: `${task.repoOwner}/${task.repoName}`,
      repositoryId: task.repoId,
      issueNumber: task.issueNumber,
      pullRequest: task.isPullRequest,
      requester: task.requesterLogin,
      htmlUrl: thread.htmlUrl,
    },
    checkout: { sha: checkout.sha, branch: checkout.branch },
    engine: {
      name: task.engine,
      command: task.engine === 'command' ? (task.settings.command ?? null) : null,
      model: task.settings.model ?? null,
      version: null,
      isolation: task.settings['engine-isolation'] ?? 'preferred',
    },
    prompt: buildPrompt({
      repository: `${task.repoOwner}/${task.repoName}`,
      issueNumber: task.issueNumber,
      isPullRequest: task.isPullRequest,
      requester: task.requesterLogin,
      request: task.prompt,
      issueTitle: thread.title,
      issueBody: thread.body,
      thread: thread.comments,
      instructions,
      followUpBranch: task.followUpOfPr !== null ? (task.branch ?? undefined) : undefined,
      step: step?.prompt,
    }),
    ...(step && { step: step.step, handoff: step.handoff }),
    limits: {
      timeoutMinutes: limits['timeout-minutes'],
      maxTurns: limits['max-turns'],
      maxCostUsd: limits['max-cost-usd'],
      maxFiles: limits['max-files'],
      maxFileBytes: limits['max-file-bytes'],
      maxResultBytes: MAX_RESULT_BYTES,
    },
  });
}
