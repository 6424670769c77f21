// Replies to a command (help, status, refusals). One reply per delivery, even when the job that
// posts it is retried after a crash: the reply carries a hidden marker and is looked up first.

import { marker } from '../../core/render/marker.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import type { Db } from '../../platform/db/pool.ts';

export type ReplyTarget = { owner: string; repo: string; issueNumber: number };

export async function replyOnce(
  pool: Db,
  octokit: Octokit,
  target: ReplyTarget,
  key: string,
  body: string,
): Promise<number> {
  const tag = marker('reply', key);
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
  return once(pool, `reply:${key}`, {
    find: async () => {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, {
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issueNumber,
        since,
        per_page: 100,
      });
      return comments.find((c) => c.body?.includes(tag))?.id;
    },
    perform: async () => {
      const created = await octokit.rest.issues.createComment({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issueNumber,
        body: `${tag}\n${body}`,
      });
      return created.data.id;
    },
  });
}
