// The signed-in user's own routes: who the token belongs to, and — with a user access token of a
// GitHub App — that App's installations the user can reach and, in each, the repositories the user
// has explicit access to (with the user's `permissions`), as GitHub answers them.

import { installationJson } from '../serialize/apps.ts';
import { repositoryJson } from '../serialize/repository.ts';
import { publicUserJson } from '../serialize/user.ts';
import { HttpError, notFound, requiresAuthentication } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, type Route, type RouteContext } from '../server/route.ts';
import { coveredRepos } from '../state/apps.ts';
import { roleOf } from '../state/store.ts';
import type { Account, Installation, Repo, RepoRole } from '../state/types.ts';
import { intParam } from './read-body.ts';

function signedInUser(ctx: RouteContext): { user: Account; appId: number | null } {
  if (ctx.principal.kind !== 'user') throw requiresAuthentication();
  return { user: ctx.principal.user, appId: ctx.principal.appId };
}

function appOfToken(ctx: RouteContext): { user: Account; appId: number } {
  const { user, appId } = signedInUser(ctx);
  if (appId === null)
    throw new HttpError(
      403,
      'You must authenticate with an access token authorized to a GitHub App in order to list installations',
    );
  return { user, appId };
}

const rank: Record<RepoRole, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** The repositories of an installation the user has explicit access to. */
function reachable(ctx: RouteContext, installation: Installation, user: Account): Repo[] {
  return coveredRepos(ctx.core, installation).filter((repo) => roleOf(repo, user.id) !== 'none');
}

function permissionsOf(role: RepoRole) {
  return {
    admin: rank[role] >= rank.admin,
    maintain: rank[role] >= rank.maintain,
    push: rank[role] >= rank.write,
    triage: rank[role] >= rank.triage,
    pull: rank[role] >= rank.read,
  };
}

export const userRoutes: Route[] = [
  {
    method: 'GET',
    path: '/user',
    access: { kind: 'public' },
    handle: (ctx) => json(200, publicUserJson(ctx.core, signedInUser(ctx).user)),
  },
  {
    method: 'GET',
    path: '/user/installations',
    access: { kind: 'public' },
    handle(ctx) {
      const { user, appId } = appOfToken(ctx);
      const installations = [...ctx.core.store.installations.values()].filter(
        (installation) =>
          installation.appId === appId &&
          (installation.accountId === user.id || reachable(ctx, installation, user).length > 0),
      );
      const page = paginate(ctx, installations);
      return json(
        200,
        {
          total_count: installations.length,
          installations: page.items.map((installation) => installationJson(ctx.core, installation)),
        },
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/user/installations/{installation_id}/repositories',
    access: { kind: 'public' },
    handle(ctx) {
      const { user, appId } = appOfToken(ctx);
      const installation = ctx.core.store.installations.get(intParam(ctx.params.installation_id));
      if (!installation || installation.appId !== appId) throw notFound();
      const repos = reachable(ctx, installation, user);
      if (repos.length === 0 && installation.accountId !== user.id) throw notFound();
      const page = paginate(ctx, repos);
      return json(
        200,
        {
          total_count: repos.length,
          repository_selection: installation.repositorySelection,
          repositories: page.items.map((repo) => ({
            ...repositoryJson(ctx.core, repo),
            permissions: permissionsOf(roleOf(repo, user.id)),
          })),
        },
        page.headers,
      );
    },
  },
];
