// Reads the thread text a task's prompt will include — once, when the task is requested — and,
// for a request waiting for approval, reads it again when it is approved, to compare. Everything
// read is made well formed here (a NUL in someone's comment must not poison the task's row).
import { type FrozenThread, type ListedComment, selectComments } from '../../core/prompt/frozen-thread.ts';
import type { CommentKind } from '../../core/task/task.ts';
import { wellFormed } from '../../core/text/well-formed.ts';
import type { Octokit } from '../../github/octokit.ts';

const MAX_THREAD_PAGES = 5;

export type ThreadRef = {
  repo: { owner: string; name: string };
  issueNumber: number;
  command: { kind: CommentKind; id: number; createdAt: string };
};

type IssueText = { title: string; body: string; htmlUrl: string };

async function listComments(octokit: Octokit, ref: ThreadRef): Promise<ListedComment[]> {
  const listed: ListedComment[] = [];
  let page = 0;
  for await (const response of octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: ref.repo.owner,
    repo: ref.repo.name,
    issue_number: ref.issueNumber,
    per_page: 100,
  })) {
    for (const comment of response.data) {
      listed.push({
        id: comment.id,
        author: wellFormed(comment.user?.login ?? ''),
        authorType: comment.user?.type ?? '',
        body: wellFormed(comment.body ?? ''),
        createdAt: comment.created_at,
      });
    }
    if (++page >= MAX_THREAD_PAGES) break;
  }
  return listed;
}

/** The thread as the request sees it: `issue` is the issue's text at that moment. */
export async function freezeThread(
  octokit: Octokit,
  ref: ThreadRef,
  issue: IssueText,
): Promise<FrozenThread> {
  const comments = selectComments(await listComments(octokit, ref), ref.command);
  return {
    title: wellFormed(issue.title),
    body: wellFormed(issue.body),
    htmlUrl: issue.htmlUrl,
    comments,
    requestedAt: ref.command.createdAt,
    frozenAt: new Date().toISOString(),
  };
}

/** The thread as it reads on GitHub now. */
export async function readThreadNow(octokit: Octokit, ref: ThreadRef): Promise<FrozenThread> {
  const { data } = await octokit.rest.issues.get({
    owner: ref.repo.owner,
    repo: ref.repo.name,
    issue_number: ref.issueNumber,
  });
  return freezeThread(octokit, ref, { title: data.title, body: data.body ?? '', htmlUrl: data.html_url });
}

/** The command comment's text now; undefined when it was deleted. */
export async function commandBodyNow(octokit: Octokit, ref: ThreadRef): Promise<string | undefined> {
  const target = { owner: ref.repo.owner, repo: ref.repo.name, comment_id: ref.command.id };
  try {
    const { data } =
      ref.command.kind === 'review_comment'
        ? await octokit.rest.pulls.getReviewComment(target)
        : await octokit.rest.issues.getComment(target);
    return wellFormed(data.body ?? '');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
