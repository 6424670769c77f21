// Fixes what the job will do, when the task is dispatched: the commit to start from and the
// prompt built from the thread (read now, from GitHub, by the App — never by the job).

import { type TaskSpec, taskSpecSchema } from '../../contract/task-spec.ts';
import { buildPrompt, type ThreadComment } from '../../core/prompt/build-prompt.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';

export const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md'] as const;
const MAX_THREAD_PAGES = 5;
export const MAX_RESULT_BYTES = 20 * 1024 * 1024;

async function readInstructions(octokit: Octokit, task: Task, ref: string) {
  for (const path of INSTRUCTION_FILES) {
    try {
      const { data } = await octokit.rest.repos.getContent({
        owner: task.repoOwner,
        repo: task.repoName,
        path,
        ref,
      });
      if (!Array.isArray(data) && data.type === 'file' && 'content' in data) {
        return { path, content: Buffer.from(data.content, 'base64').toString('utf8') };
      }
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
  }
  return undefined;
}

async function readThread(
  octokit: Octokit,
  task: Task,
): Promise<{ title: string; body: string; htmlUrl: string; thread: ThreadComment[] }> {
  const target = { owner: task.repoOwner, repo: task.repoName, issue_number: task.issueNumber };
  const { data: issue } = await octokit.rest.issues.get(target);
  const comments: ThreadComment[] = [];
  let page = 0;
  for await (const response of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...target,
    per_page: 100,
  })) {
    for (const comment of response.data) {
      if (comment.id === task.commentId) continue;
      if (comment.user?.type !== 'User') continue;
      comments.push({ author: comment.user.login, body: comment.body ?? '' });
    }
    if (++page >= MAX_THREAD_PAGES) break;
  }
  return { title: issue.title, body: issue.body ?? '', htmlUrl: issue.html_url, thread: comments.slice(-20) };
}

export async function buildSpec(
  octokit: Octokit,
  task: Task,
  checkout: { sha: string; branch: string; defaultBranch: string },
): Promise<TaskSpec> {
  const [thread, instructions] = await Promise.all([
    readThread(octokit, task),
    readInstructions(octokit, task, checkout.defaultBranch),
  ]);
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
      thread: thread.thread,
      instructions,
      followUpBranch: task.followUpOfPr !== null ? (task.branch ?? undefined) : undefined,
    }),
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
