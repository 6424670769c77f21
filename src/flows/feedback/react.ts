// A reaction on a command comment, added once (GitHub answers 200 with the existing reaction
// when it is already there, so a retry after a crash changes nothing either).

import type { CommentKind } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import type { Db } from '../../platform/db/pool.ts';

export type CommentRef = { owner: string; repo: string; kind: CommentKind; id: number };

export async function reactOnce(
  pool: Db,
  octokit: Octokit,
  comment: CommentRef,
  content: 'eyes' | 'confused',
): Promise<void> {
  // 👀 keeps the ledger key it has always had, so records written before other reactions existed still count.
  const key = content === 'eyes' ? 'reaction' : `reaction-${content}`;
  await once(pool, `${key}:${comment.kind}:${comment.id}`, {
    find: async () => undefined,
    perform: async () => {
      const params = { owner: comment.owner, repo: comment.repo, comment_id: comment.id, content };
      if (comment.kind === 'review_comment')
        await octokit.rest.reactions.createForPullRequestReviewComment(params);
      else await octokit.rest.reactions.createForIssueComment(params);
      return true;
    },
  });
}
