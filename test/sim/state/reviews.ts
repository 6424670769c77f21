// Pull request reviews and review comments, sending `pull_request_review` and `pull_request_review_comment`.
import type { SimCore } from '../core.ts';
import { reviewCommentJson, reviewJson } from '../serialize/comment.ts';
import { type PullIssue, pullJson } from '../serialize/pull.ts';
import type { Actor } from './actor.ts';
import { isoNow, nodeId } from './ids.ts';
import type { Emitted } from './issues.ts';
import { mustAccount, mustRepo } from './store.ts';
import type { Review, ReviewComment } from './types.ts';

/** A review submitted now (`pull_request_review` `submitted`), or left PENDING without a webhook. */
export function submitReview(
  sim: SimCore,
  issue: PullIssue,
  actor: Actor,
  fields: { state: Review['state']; body?: string | null; commitId?: string },
): Emitted<Review> {
  const id = sim.store.ids.next('review');
  const review: Review = {
    id,
    nodeId: nodeId('PullRequestReview', id),
    repoId: issue.repoId,
    pullNumber: issue.number,
    userId: actor.userId,
    body: fields.body ?? '',
    state: fields.state,
    commitId: fields.commitId ?? issue.pull.headSha,
    submittedAt: fields.state === 'PENDING' ? null : isoNow(sim.clock.now()),
  };
  sim.store.reviews.set(id, review);
  if (fields.state === 'PENDING') return { value: review, delivered: Promise.resolve([]) };
  const delivered = sim.webhooks.emit({
    event: 'pull_request_review',
    action: 'submitted',
    repo: mustRepo(sim.store, issue.repoId),
    sender: mustAccount(sim.store, actor.userId),
    build: async () => {
      const json = reviewJson(sim, review);
      return {
        review: { ...json, state: json.state.toLowerCase() },
        pull_request: await pullJson(sim, issue),
      };
    },
  });
  return { value: review, delivered };
}

export function createReviewComment(
  sim: SimCore,
  issue: PullIssue,
  actor: Actor,
  fields: { body: string; path: string; line?: number; side?: 'LEFT' | 'RIGHT'; inReplyTo?: number },
): Emitted<ReviewComment> {
  const review = submitReviewSilently(sim, issue, actor);
  const id = sim.store.ids.next('reviewComment');
  const now = isoNow(sim.clock.now());
  const comment: ReviewComment = {
    id,
    nodeId: nodeId('PullRequestReviewComment', id),
    repoId: issue.repoId,
    pullNumber: issue.number,
    reviewId: review.id,
    userId: actor.userId,
    body: fields.body,
    path: fields.path,
    line: fields.line ?? 1,
    side: fields.side ?? 'RIGHT',
    commitId: issue.pull.headSha,
    inReplyToId: fields.inReplyTo ?? null,
    createdAt: now,
    updatedAt: now,
  };
  sim.store.reviewComments.set(id, comment);
  return { value: comment, delivered: emitReviewComment(sim, issue, comment, 'created', actor.userId) };
}

export function editReviewComment(
  sim: SimCore,
  issue: PullIssue,
  comment: ReviewComment,
  actor: Actor,
  body: string,
): Emitted<ReviewComment> {
  const from = comment.body;
  comment.body = body;
  comment.updatedAt = isoNow(sim.clock.now());
  const delivered = emitReviewComment(sim, issue, comment, 'edited', actor.userId, {
    changes: { body: { from } },
  });
  return { value: comment, delivered };
}

function emitReviewComment(
  sim: SimCore,
  issue: PullIssue,
  comment: ReviewComment,
  action: string,
  senderId: number,
  extra: Record<string, unknown> = {},
) {
  return sim.webhooks.emit({
    event: 'pull_request_review_comment',
    action,
    repo: mustRepo(sim.store, issue.repoId),
    sender: mustAccount(sim.store, senderId),
    build: async () => ({
      ...extra,
      comment: reviewCommentJson(sim, comment),
      pull_request: await pullJson(sim, issue),
    }),
  });
}

/** A single review comment belongs to a COMMENTED review, created without its own webhook. */
function submitReviewSilently(sim: SimCore, issue: PullIssue, actor: Actor): Review {
  const id = sim.store.ids.next('review');
  const review: Review = {
    id,
    nodeId: nodeId('PullRequestReview', id),
    repoId: issue.repoId,
    pullNumber: issue.number,
    userId: actor.userId,
    body: '',
    state: 'COMMENTED',
    commitId: issue.pull.headSha,
    submittedAt: isoNow(sim.clock.now()),
  };
  sim.store.reviews.set(id, review);
  return review;
}
