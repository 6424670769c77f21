// Reactions on issues, issue comments and pull request review comments: create (200 when the same
// reaction already exists), list (optionally by content), delete.

import { reactionJson } from '../serialize/comment.ts';
import { notFound } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, noContent, type Route, type RouteContext } from '../server/route.ts';
import { actorOf } from '../state/actor.ts';
import { addReaction, reactionsOf } from '../state/reactions.ts';
import { type ReactionSubject, reactionContents } from '../state/types.ts';
import { commentFrom, issueFrom } from './issues.ts';
import { intParam, readBody } from './read-body.ts';

type SubjectSpec = {
  base: string;
  permission: string;
  subject(ctx: RouteContext): ReactionSubject;
};

const subjects: SubjectSpec[] = [
  {
    base: '/repos/{owner}/{repo}/issues/{issue_number}/reactions',
    permission: 'issues',
    subject: (ctx) => ({ kind: 'issue', repoId: ctx.repo.id, id: issueFrom(ctx).id }),
  },
  {
    base: '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    permission: 'issues',
    subject: (ctx) => ({ kind: 'issue_comment', repoId: ctx.repo.id, id: commentFrom(ctx).id }),
  },
  {
    base: '/repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions',
    permission: 'pull_requests',
    subject(ctx) {
      const comment = ctx.core.store.reviewComments.get(intParam(ctx.params.comment_id));
      if (!comment || comment.repoId !== ctx.repo.id) throw notFound();
      return { kind: 'review_comment', repoId: ctx.repo.id, id: comment.id };
    },
  },
];

function routesFor(spec: SubjectSpec): Route[] {
  const readAccess = { kind: 'repo', permission: spec.permission, level: 'read', or: 'issues' } as const;
  const writeAccess = {
    kind: 'repo',
    permission: spec.permission,
    level: 'write',
    userRole: 'read',
  } as const;
  return [
    {
      method: 'GET',
      path: spec.base,
      access: readAccess,
      handle(ctx) {
        const content = ctx.query.get('content') ?? undefined;
        const all = reactionsOf(ctx.core, spec.subject(ctx), content);
        const page = paginate(ctx, all);
        return json(
          200,
          page.items.map((reaction) => reactionJson(ctx.core, reaction)),
          page.headers,
        );
      },
    },
    {
      method: 'POST',
      path: spec.base,
      access: writeAccess,
      creates: true,
      handle(ctx) {
        const subject = spec.subject(ctx);
        const body = readBody(ctx.body, 'Reaction');
        const content = body.oneOf('content', reactionContents, { required: true });
        body.done();
        const actor = actorOf(ctx.core, ctx.principal);
        const { reaction, created } = addReaction(ctx.core, subject, actor.userId, content ?? 'eyes');
        return json(created ? 201 : 200, reactionJson(ctx.core, reaction));
      },
    },
    {
      method: 'DELETE',
      path: `${spec.base}/{reaction_id}`,
      access: writeAccess,
      handle(ctx) {
        const subject = spec.subject(ctx);
        const reaction = ctx.core.store.reactions.get(intParam(ctx.params.reaction_id));
        if (!reaction || reaction.subject.kind !== subject.kind || reaction.subject.id !== subject.id)
          throw notFound();
        ctx.core.store.reactions.delete(reaction.id);
        return noContent();
      },
    },
  ];
}

export const reactionRoutes: Route[] = subjects.flatMap(routesFor);
