// Issues and issue comments (comments on pull requests go through these routes too).

import { commentJson } from '../serialize/comment.ts';
import { issueJson } from '../serialize/issue.ts';
import { HttpError, notFound } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, noContent, type Route, type RouteContext } from '../server/route.ts';
import { actorOf } from '../state/actor.ts';
import { createComment, deleteComment, editComment } from '../state/comments.ts';
import { createIssue, editIssue, findIssue } from '../state/issues.ts';
import { roleOf } from '../state/store.ts';
import type { Issue, IssueComment } from '../state/types.ts';
import { intParam, readBody } from './read-body.ts';

export function issueFrom(ctx: RouteContext): Issue {
  const issue = findIssue(ctx.core, ctx.repo, intParam(ctx.params.issue_number));
  if (!issue) throw notFound();
  return issue;
}

export function commentFrom(ctx: RouteContext): IssueComment {
  const comment = ctx.core.store.comments.get(intParam(ctx.params.comment_id));
  if (!comment || comment.repoId !== ctx.repo.id) throw notFound();
  return comment;
}

function mayChange(ctx: RouteContext, comment: IssueComment): void {
  if (ctx.principal.kind !== 'user') return;
  const { user } = ctx.principal;
  if (comment.userId === user.id) return;
  const role = roleOf(ctx.repo, user.id);
  if (role !== 'write' && role !== 'maintain' && role !== 'admin')
    throw new HttpError(403, 'Must have push access to this repository.');
}

const read = { kind: 'repo', permission: 'issues', level: 'read', or: 'pull_requests' } as const;
const comment = {
  kind: 'repo',
  permission: 'issues',
  level: 'write',
  or: 'pull_requests',
  userRole: 'read',
} as const;

export const issueRoutes: Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/{issue_number}',
    access: read,
    handle: (ctx) => json(200, issueJson(ctx.core, issueFrom(ctx))),
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues',
    access: { kind: 'repo', permission: 'issues', level: 'write', userRole: 'read' },
    creates: true,
    handle(ctx) {
      const body = readBody(ctx.body, 'Issue');
      const title = body.string('title', { required: true });
      const text = body.nullableString('body');
      const labels = body.stringArray('labels');
      body.done();
      const { value } = createIssue(ctx.core, ctx.repo, actorOf(ctx.core, ctx.principal), {
        title: title ?? '',
        body: text ?? null,
        labels: labels ?? [],
      });
      return json(201, issueJson(ctx.core, value));
    },
  },
  {
    // Title and body only: the fields the App edits (its schedule report issue).
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/issues/{issue_number}',
    access: { kind: 'repo', permission: 'issues', level: 'write', userRole: 'triage' },
    handle(ctx) {
      const issue = issueFrom(ctx);
      const body = readBody(ctx.body, 'Issue');
      const title = body.string('title');
      const text = body.nullableString('body');
      body.done();
      const { value } = editIssue(ctx.core, issue, actorOf(ctx.core, ctx.principal), {
        ...(title !== undefined && { title }),
        ...(text !== undefined && { body: text }),
      });
      return json(200, issueJson(ctx.core, value));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    access: read,
    handle(ctx) {
      const issue = issueFrom(ctx);
      const since = ctx.query.get('since');
      const all = [...ctx.core.store.comments.values()]
        .filter((c) => c.repoId === ctx.repo.id && c.issueNumber === issue.number)
        .filter((c) => !since || c.updatedAt >= since)
        .sort((a, b) => a.id - b.id);
      const page = paginate(ctx, all);
      return json(
        200,
        page.items.map((c) => commentJson(ctx.core, c)),
        page.headers,
      );
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
    access: comment,
    creates: true,
    handle(ctx) {
      const issue = issueFrom(ctx);
      const body = readBody(ctx.body, 'IssueComment');
      const text = body.string('body', { required: true });
      body.done();
      const { value } = createComment(ctx.core, issue, actorOf(ctx.core, ctx.principal), text ?? '');
      return json(201, commentJson(ctx.core, value));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    access: read,
    handle: (ctx) => json(200, commentJson(ctx.core, commentFrom(ctx))),
  },
  {
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    access: comment,
    handle(ctx) {
      const existing = commentFrom(ctx);
      mayChange(ctx, existing);
      const body = readBody(ctx.body, 'IssueComment');
      const text = body.string('body', { required: true });
      body.done();
      const { value } = editComment(ctx.core, existing, actorOf(ctx.core, ctx.principal), text ?? '');
      return json(200, commentJson(ctx.core, value));
    },
  },
  {
    method: 'DELETE',
    path: '/repos/{owner}/{repo}/issues/comments/{comment_id}',
    access: comment,
    handle(ctx) {
      const existing = commentFrom(ctx);
      mayChange(ctx, existing);
      deleteComment(ctx.core, existing, actorOf(ctx.core, ctx.principal));
      return noContent();
    },
  },
];
