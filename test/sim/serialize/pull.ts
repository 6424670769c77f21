// Pull requests as GitHub's `pull-request` (with diff statistics computed from the bare repository).
import type { SimCore } from '../core.ts';
import { gitText } from '../git/run-git.ts';
import { mustAccount, mustRepo } from '../state/store.ts';
import type { Issue, Pull } from '../state/types.ts';
import { issueJson } from './issue.ts';
import { repositoryJson } from './repository.ts';
import { repoApi, repoHtml } from './urls.ts';
import { userJson } from './user.ts';

export type PullIssue = Issue & { pull: Pull };

async function stats(core: SimCore, issue: PullIssue) {
  const repo = mustRepo(core.store, issue.repoId);
  const { baseSha, headSha } = issue.pull;
  try {
    const numstat = await gitText(repo.gitDir, ['diff', '--numstat', `${baseSha}...${headSha}`]);
    const count = await gitText(repo.gitDir, ['rev-list', '--count', `${baseSha}..${headSha}`]);
    let additions = 0;
    let deletions = 0;
    const lines = numstat.split('\n').filter(Boolean);
    for (const line of lines) {
      const [added, removed] = line.split('\t');
      additions += Number(added) || 0;
      deletions += Number(removed) || 0;
    }
    return { commits: Number(count.trim()), additions, deletions, changed_files: lines.length };
  } catch {
    return { commits: 0, additions: 0, deletions: 0, changed_files: 0 };
  }
}

function branchJson(core: SimCore, repoId: number, ref: string, sha: string) {
  const repo = mustRepo(core.store, repoId);
  const owner = mustAccount(core.store, repo.ownerId);
  return {
    label: `${owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(core, owner),
    repo: repositoryJson(core, repo),
  };
}

export function pullSimpleJson(core: SimCore, issue: PullIssue) {
  const repo = mustRepo(core.store, issue.repoId);
  const api = `${repoApi(core, repo)}/pulls/${issue.number}`;
  const html = `${repoHtml(core, repo)}/pull/${issue.number}`;
  const issueApi = `${repoApi(core, repo)}/issues/${issue.number}`;
  const base = issueJson(core, issue);
  const pull = issue.pull;
  return {
    url: api,
    id: issue.id,
    node_id: issue.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApi(core, repo)}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${repoApi(core, repo)}/statuses/${pull.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: base.user,
    body: issue.body,
    labels: base.labels,
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: null,
    assignee: base.assignee,
    assignees: base.assignees,
    requested_reviewers: pull.requestedReviewerIds.map((id) => userJson(core, mustAccount(core.store, id))),
    requested_teams: [] as unknown[],
    head: branchJson(core, pull.headRepoId, pull.headRef, pull.headSha),
    base: branchJson(core, issue.repoId, pull.baseRef, pull.baseSha),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${repoApi(core, repo)}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${repoApi(core, repo)}/statuses/${pull.headSha}` },
    },
    author_association: base.author_association,
    auto_merge: null,
    draft: pull.draft,
  };
}

export async function pullJson(core: SimCore, issue: PullIssue) {
  const counts = await stats(core, issue);
  const reviewComments = [...core.store.reviewComments.values()].filter(
    (c) => c.repoId === issue.repoId && c.pullNumber === issue.number,
  ).length;
  return {
    ...pullSimpleJson(core, issue),
    merged: issue.pull.mergedAt !== null,
    mergeable: issue.state === 'open' ? true : null,
    rebaseable: issue.state === 'open' ? true : null,
    mergeable_state: issue.state === 'open' ? 'clean' : 'unknown',
    merged_by: null,
    comments: issueJson(core, issue).comments,
    review_comments: reviewComments,
    maintainer_can_modify: issue.pull.maintainerCanModify,
    ...counts,
  };
}
