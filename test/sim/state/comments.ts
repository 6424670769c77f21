// Issue comments (on issues and pull requests): create, edit, delete — each sends `issue_comment`.
import type { SimCore } from '../core.ts';
import { commentJson } from '../serialize/comment.ts';
import { issueJson } from '../serialize/issue.ts';
import type { Actor } from './actor.ts';
import { isoNow, nodeId } from './ids.ts';
import type { Emitted } from './issues.ts';
import { issueKey, mustAccount, mustRepo } from './store.ts';
import type { Issue, IssueComment } from './types.ts';

function issueOf(sim: SimCore, comment: IssueComment): Issue {
  const issue = sim.store.issues.get(issueKey(comment.repoId, comment.issueNumber));
  if (!issue) throw new Error(`simulator: comment ${comment.id} has no issue`);
  return issue;
}

export function createComment(sim: SimCore, issue: Issue, actor: Actor, body: string): Emitted<IssueComment> {
  const id = sim.store.ids.next('comment');
  const now = isoNow(sim.clock.now());
  const comment: IssueComment = {
    id,
    nodeId: nodeId('IssueComment', id),
    repoId: issue.repoId,
    issueNumber: issue.number,
    userId: actor.userId,
    body,
    viaAppId: actor.appId,
    createdAt: now,
    updatedAt: now,
  };
  sim.store.comments.set(id, comment);
  issue.updatedAt = now;
  const delivered = sim.webhooks.emit({
    event: 'issue_comment',
    action: 'created',
    repo: mustRepo(sim.store, issue.repoId),
    sender: mustAccount(sim.store, actor.userId),
    build: () => ({ issue: issueJson(sim, issue), comment: commentJson(sim, comment) }),
  });
  return { value: comment, delivered };
}

export function editComment(
  sim: SimCore,
  comment: IssueComment,
  actor: Actor,
  body: string,
): Emitted<IssueComment> {
  const from = comment.body;
  comment.body = body;
  comment.updatedAt = isoNow(sim.clock.now());
  const issue = issueOf(sim, comment);
  const delivered = sim.webhooks.emit({
    event: 'issue_comment',
    action: 'edited',
    repo: mustRepo(sim.store, comment.repoId),
    sender: mustAccount(sim.store, actor.userId),
    build: () => ({
      changes: { body: { from } },
      issue: issueJson(sim, issue),
      comment: commentJson(sim, comment),
    }),
  });
  return { value: comment, delivered };
}

export function deleteComment(sim: SimCore, comment: IssueComment, actor: Actor): Emitted<IssueComment> {
  const issue = issueOf(sim, comment);
  const snapshot = commentJson(sim, comment);
  sim.store.comments.delete(comment.id);
  for (const [id, reaction] of sim.store.reactions) {
    if (reaction.subject.kind === 'issue_comment' && reaction.subject.id === comment.id)
      sim.store.reactions.delete(id);
  }
  const delivered = sim.webhooks.emit({
    event: 'issue_comment',
    action: 'deleted',
    repo: mustRepo(sim.store, comment.repoId),
    sender: mustAccount(sim.store, actor.userId),
    build: () => ({ issue: issueJson(sim, issue), comment: snapshot }),
  });
  return { value: comment, delivered };
}
