// Pull requests, requested reviewers, reviews and review comments.

import { reviewCommentJson, reviewJson } from '../serialize/comment.ts';
import { type PullIssue, pullJson, pullSimpleJson } from '../serialize/pull.ts';
import { userJson } from '../serialize/user.ts';
import { notFound, unprocessable } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, type Route, type RouteContext } from '../server/route.ts';
import { actorOf } from '../state/actor.ts';
import { findIssue } from '../state/issues.ts';
import { openPull, resolveHead, updatePull } from '../state/pulls.ts';
import { createReviewComment, submitReview } from '../state/reviews.ts';
import { accountByLogin, mustAccount, roleOf } from '../state/store.ts';
import type { Review } from '../state/types.ts';
import { intParam, readBody } from './read-body.ts';

const read = { kind: 'repo', permission: 'pull_requests', level: 'read' } as const;
const write = { kind: 'repo', permission: 'pull_requests', level: 'write' } as const;

function pullFrom(ctx: RouteContext): PullIssue {
  const issue = findIssue(ctx.core, ctx.repo, intParam(ctx.params.pull_number));
  if (!issue?.pull) throw notFound();
  return issue as PullIssue;
}

function listPulls(ctx: RouteContext): PullIssue[] {
  const state = ctx.query.get('state') ?? 'open';
  const head = ctx.query.get('head');
  const base = ctx.query.get('base');
  const wantedHead = head ? resolveHead(ctx.core, ctx.repo, head) : null;
  return [...ctx.core.store.issues.values()]
    .filter((issue): issue is PullIssue => issue.repoId === ctx.repo.id && issue.pull !== null)
    .filter((issue) => state === 'all' || issue.state === state)
    .filter(
      (issue) =>
        !wantedHead ||
        (issue.pull.headRef === wantedHead.headRef && issue.pull.headRepoId === wantedHead.headRepo.id),
    )
    .filter((issue) => !base || issue.pull.baseRef === base)
    .sort((a, b) => (ctx.query.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
}

function viewerId(ctx: RouteContext): number | null {
  return ctx.principal.kind === 'anonymous' ? null : actorOf(ctx.core, ctx.principal).userId;
}

export const pullRoutes: Route[] = [
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/pulls',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'PullRequest');
      const head = body.string('head', { required: true });
      const base = body.string('base', { required: true });
      const title = body.string('title', { required: true });
      const text = body.nullableString('body');
      const draft = body.boolean('draft');
      const maintainerCanModify = body.boolean('maintainer_can_modify');
      body.done();
      const { value } = await openPull(ctx.core, ctx.repo, actorOf(ctx.core, ctx.principal), {
        head: head ?? '',
        base: base ?? '',
        title: title ?? '',
        body: text ?? null,
        draft: draft ?? false,
        ...(maintainerCanModify === undefined ? {} : { maintainerCanModify }),
      });
      return json(201, await pullJson(ctx.core, value));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls',
    access: read,
    handle(ctx) {
      const page = paginate(ctx, listPulls(ctx));
      return json(
        200,
        page.items.map((issue) => pullSimpleJson(ctx.core, issue)),
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}',
    access: read,
    handle: async (ctx) => json(200, await pullJson(ctx.core, pullFrom(ctx))),
  },
  {
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}',
    access: write,
    async handle(ctx) {
      const issue = pullFrom(ctx);
      const body = readBody(ctx.body, 'PullRequest');
      const title = body.string('title');
      const text = body.nullableString('body');
      const state = body.oneOf('state', ['open', 'closed'] as const);
      const base = body.string('base');
      body.done();
      await updatePull(ctx.core, issue, actorOf(ctx.core, ctx.principal), { title, body: text, state, base });
      return json(200, await pullJson(ctx.core, issue));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    access: read,
    handle(ctx) {
      const issue = pullFrom(ctx);
      const users = issue.pull.requestedReviewerIds.map((id) =>
        userJson(ctx.core, mustAccount(ctx.core.store, id)),
      );
      return json(200, { users, teams: [] });
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    access: write,
    creates: true,
    handle(ctx) {
      const issue = pullFrom(ctx);
      const body = readBody(ctx.body, 'PullRequest');
      const reviewers = body.stringArray('reviewers') ?? [];
      body.stringArray('team_reviewers');
      body.done();
      const accounts = reviewers.map((login) => accountByLogin(ctx.core.store, login));
      if (accounts.some((account) => account?.id === issue.userId)) {
        throw unprocessable('Review cannot be requested from pull request author.');
      }
      if (accounts.some((account) => !account || roleOf(ctx.repo, account.id) === 'none')) {
        throw unprocessable(
          `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${ctx.params.owner}/${ctx.params.repo} repository.`,
        );
      }
      for (const account of accounts) {
        if (account && !issue.pull.requestedReviewerIds.includes(account.id))
          issue.pull.requestedReviewerIds.push(account.id);
      }
      return json(201, pullSimpleJson(ctx.core, issue));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    access: read,
    handle(ctx) {
      const issue = pullFrom(ctx);
      const all = [...ctx.core.store.reviews.values()]
        .filter((review) => review.repoId === ctx.repo.id && review.pullNumber === issue.number)
        // A PENDING review is seen by its author only.
        .filter((review) => review.state !== 'PENDING' || review.userId === viewerId(ctx))
        .sort((a, b) => a.id - b.id);
      const page = paginate(ctx, all);
      return json(
        200,
        page.items.map((review) => reviewJson(ctx.core, review)),
        page.headers,
      );
    },
  },
  {
    // As GitHub: 200 (not 201); without `event` the review stays PENDING (one per user and pull
    // request, no webhook); COMMENT and REQUEST_CHANGES need a body; a pull request's author —
    // an App that opened it too — may neither approve it nor request changes on it.
    method: 'POST',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    access: write,
    handle(ctx) {
      const issue = pullFrom(ctx);
      const body = readBody(ctx.body, 'PullRequestReview');
      const commitId = body.string('commit_id');
      const text = body.string('body');
      const event = body.oneOf('event', ['APPROVE', 'REQUEST_CHANGES', 'COMMENT'] as const);
      const comments = body.array('comments');
      body.done();
      // Inline comments are not simulated: refused rather than dropped, so no test relies on them.
      if (comments && comments.length > 0)
        throw unprocessable('simulator: review comments in a new review are not simulated');
      const actor = actorOf(ctx.core, ctx.principal);
      if (event === 'APPROVE' && actor.userId === issue.userId)
        throw unprocessable('Unprocessable Entity', ['Review Can not approve your own pull request']);
      if (event === 'REQUEST_CHANGES' && actor.userId === issue.userId)
        throw unprocessable('Unprocessable Entity', [
          'Review Can not request changes on your own pull request',
        ]);
      if ((event === 'REQUEST_CHANGES' || event === 'COMMENT') && !text)
        throw unprocessable('Unprocessable Entity', [
          `Body is required when using ${event === 'COMMENT' ? 'COMMENT' : 'REQUEST_CHANGES'}`,
        ]);
      const pending = [...ctx.core.store.reviews.values()].some(
        (r) =>
          r.repoId === ctx.repo.id &&
          r.pullNumber === issue.number &&
          r.userId === actor.userId &&
          r.state === 'PENDING',
      );
      if (!event && pending)
        throw unprocessable('Unprocessable Entity', [
          'User can only have one pending review per pull request',
        ]);
      const states = {
        APPROVE: 'APPROVED',
        REQUEST_CHANGES: 'CHANGES_REQUESTED',
        COMMENT: 'COMMENTED',
      } as const;
      const state: Review['state'] = event ? states[event] : 'PENDING';
      const { value } = submitReview(ctx.core, issue, actor, {
        state,
        body: text ?? '',
        ...(commitId === undefined ? {} : { commitId }),
      });
      return json(200, reviewJson(ctx.core, value));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/comments',
    access: read,
    handle(ctx) {
      const issue = pullFrom(ctx);
      const all = [...ctx.core.store.reviewComments.values()]
        .filter((comment) => comment.repoId === ctx.repo.id && comment.pullNumber === issue.number)
        .sort((a, b) => a.id - b.id);
      const page = paginate(ctx, all);
      return json(
        200,
        page.items.map((comment) => reviewCommentJson(ctx.core, comment)),
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/pulls/comments/{comment_id}',
    access: read,
    handle(ctx) {
      const comment = ctx.core.store.reviewComments.get(intParam(ctx.params.comment_id));
      if (!comment || comment.repoId !== ctx.repo.id) throw notFound();
      return json(200, reviewCommentJson(ctx.core, comment));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies',
    access: { ...write, userRole: 'read' },
    creates: true,
    handle(ctx) {
      const issue = pullFrom(ctx);
      const parent = ctx.core.store.reviewComments.get(intParam(ctx.params.comment_id));
      if (!parent || parent.repoId !== ctx.repo.id || parent.pullNumber !== issue.number) throw notFound();
      const body = readBody(ctx.body, 'PullRequestReviewComment');
      const text = body.string('body', { required: true });
      body.done();
      const { value } = createReviewComment(ctx.core, issue, actorOf(ctx.core, ctx.principal), {
        body: text ?? '',
        path: parent.path,
        line: parent.line ?? 1,
        side: parent.side,
        inReplyTo: parent.inReplyToId ?? parent.id,
      });
      return json(201, reviewCommentJson(ctx.core, value));
    },
  },
];
