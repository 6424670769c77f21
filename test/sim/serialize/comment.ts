// Issue comments, reactions, pull request reviews and review comments.
import type { SimCore } from '../core.ts';
import { mustAccount, mustRepo } from '../state/store.ts';
import type { IssueComment, Reaction, Review, ReviewComment } from '../state/types.ts';
import { authorAssociation, reactionRollup, viaApp } from './issue.ts';
import { repoApi, repoHtml } from './urls.ts';
import { userJson } from './user.ts';

export function commentJson(core: SimCore, comment: IssueComment) {
  const repo = mustRepo(core.store, comment.repoId);
  const api = `${repoApi(core, repo)}/issues/comments/${comment.id}`;
  const issue = core.store.issues.get(`${repo.id}#${comment.issueNumber}`);
  const kind = issue?.pull ? 'pull' : 'issues';
  return {
    url: api,
    html_url: `${repoHtml(core, repo)}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repoApi(core, repo)}/issues/${comment.issueNumber}`,
    id: comment.id,
    node_id: comment.nodeId,
    user: userJson(core, mustAccount(core.store, comment.userId)),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(core, repo, comment.userId),
    body: comment.body,
    reactions: reactionRollup(core, { kind: 'issue_comment', repoId: repo.id, id: comment.id }, api),
    performed_via_github_app: viaApp(core, comment.viaAppId),
  };
}

export function reactionJson(core: SimCore, reaction: Reaction) {
  return {
    id: reaction.id,
    node_id: reaction.nodeId,
    user: userJson(core, mustAccount(core.store, reaction.userId)),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

export function reviewJson(core: SimCore, review: Review) {
  const repo = mustRepo(core.store, review.repoId);
  const html = `${repoHtml(core, repo)}/pull/${review.pullNumber}#pullrequestreview-${review.id}`;
  const pullUrl = `${repoApi(core, repo)}/pulls/${review.pullNumber}`;
  return {
    id: review.id,
    node_id: review.nodeId,
    user: userJson(core, mustAccount(core.store, review.userId)),
    body: review.body,
    commit_id: review.commitId,
    // A PENDING review has no submitted_at at all.
    ...(review.submittedAt === null ? {} : { submitted_at: review.submittedAt }),
    state: review.state,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: authorAssociation(core, repo, review.userId),
    _links: { html: { href: html }, pull_request: { href: pullUrl } },
  };
}

export function reviewCommentJson(core: SimCore, comment: ReviewComment) {
  const repo = mustRepo(core.store, comment.repoId);
  const api = `${repoApi(core, repo)}/pulls/comments/${comment.id}`;
  const html = `${repoHtml(core, repo)}/pull/${comment.pullNumber}#discussion_r${comment.id}`;
  const pullUrl = `${repoApi(core, repo)}/pulls/${comment.pullNumber}`;
  return {
    url: api,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: comment.nodeId,
    diff_hunk: `@@ -1 +1 @@`,
    path: comment.path,
    position: comment.line,
    original_position: comment.line,
    commit_id: comment.commitId,
    original_commit_id: comment.commitId,
    ...(comment.inReplyToId === null ? {} : { in_reply_to_id: comment.inReplyToId }),
    user: userJson(core, mustAccount(core.store, comment.userId)),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: html,
    pull_request_url: pullUrl,
    author_association: authorAssociation(core, repo, comment.userId),
    _links: { self: { href: api }, html: { href: html }, pull_request: { href: pullUrl } },
    reactions: reactionRollup(core, { kind: 'review_comment', repoId: repo.id, id: comment.id }, api),
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: comment.line,
    original_line: comment.line,
    side: comment.side,
    subject_type: 'line',
  };
}
