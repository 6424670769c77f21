// App-level routes (App JWT): the App, its installations, installation tokens; installation repositories.
import { hasPermission } from '../auth/authorize.ts';
import { appJson, installationJson } from '../serialize/apps.ts';
import { repositoryJson } from '../serialize/repository.ts';
import { HttpError, notFound, unprocessable } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, noContent, type Route, type RouteContext } from '../server/route.ts';
import { coveredRepos } from '../state/apps.ts';
import { isoNow } from '../state/ids.ts';
import { accountByLogin, installationForRepo, repoByName } from '../state/store.ts';
import type { App, Installation, PermissionLevel, Permissions } from '../state/types.ts';
import { intParam, readBody } from './read-body.ts';

function callingApp(ctx: RouteContext): App {
  if (ctx.principal.kind !== 'app') throw new HttpError(401, 'A JSON web token could not be decoded');
  return ctx.principal.app;
}

function ownInstallation(ctx: RouteContext): Installation {
  const app = callingApp(ctx);
  const installation = ctx.core.store.installations.get(intParam(ctx.params.installation_id));
  if (!installation || installation.appId !== app.id) throw notFound();
  return installation;
}

const levels: readonly PermissionLevel[] = ['read', 'write', 'admin'];

function createToken(ctx: RouteContext) {
  const installation = ownInstallation(ctx);
  const body = readBody(ctx.body, 'Installation');
  const names = body.stringArray('repositories');
  const ids = body.array('repository_ids');
  const requested = body.object('permissions');
  body.done();
  const covered = coveredRepos(ctx.core, installation);
  let repositoryIds: number[] | null = null;
  if (names || ids) {
    repositoryIds = [];
    const account = ctx.core.store.accounts.get(installation.accountId);
    for (const name of names ?? []) {
      const repo = account && repoByName(ctx.core.store, account.login, name);
      if (!repo || !covered.includes(repo)) {
        throw unprocessable(
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
        );
      }
      repositoryIds.push(repo.id);
    }
    for (const id of ids ?? []) {
      const repo = covered.find((candidate) => candidate.id === id);
      if (!repo) {
        throw unprocessable(
          'There is at least one repository that does not exist or is not accessible to the parent installation.',
        );
      }
      repositoryIds.push(repo.id);
    }
  }
  let permissions: Permissions = { ...installation.permissions };
  if (requested) {
    permissions = {};
    for (const [name, level] of Object.entries(requested)) {
      if (typeof level !== 'string' || !levels.includes(level as PermissionLevel)) {
        throw unprocessable(`The permission level '${String(level)}' for '${name}' is not valid.`);
      }
      if (!hasPermission(installation.permissions, name, level as PermissionLevel)) {
        throw unprocessable('The permissions requested are not granted to this installation.');
      }
      permissions[name] = level as PermissionLevel;
    }
  }
  const expiresAt = ctx.core.clock.now() + 3600_000;
  const record = ctx.core.tokens.issueInstallation({
    installationId: installation.id,
    appId: installation.appId,
    repositoryIds,
    permissions,
    expiresAt,
  });
  const selected = repositoryIds === null ? null : covered.filter((repo) => repositoryIds.includes(repo.id));
  return json(201, {
    token: record.token,
    expires_at: isoNow(expiresAt),
    permissions,
    repository_selection: selected ? 'selected' : installation.repositorySelection,
    ...(selected ? { repositories: selected.map((repo) => repositoryJson(ctx.core, repo)) } : {}),
  });
}

export const appRoutes: Route[] = [
  {
    method: 'GET',
    path: '/app',
    access: { kind: 'app' },
    handle: (ctx) => json(200, appJson(ctx.core, callingApp(ctx))),
  },
  {
    method: 'GET',
    path: '/app/installations',
    access: { kind: 'app' },
    handle(ctx) {
      const app = callingApp(ctx);
      const all = [...ctx.core.store.installations.values()].filter((i) => i.appId === app.id);
      const page = paginate(ctx, all);
      return json(
        200,
        page.items.map((i) => installationJson(ctx.core, i)),
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/app/installations/{installation_id}',
    access: { kind: 'app' },
    handle: (ctx) => json(200, installationJson(ctx.core, ownInstallation(ctx))),
  },
  {
    method: 'POST',
    path: '/app/installations/{installation_id}/access_tokens',
    access: { kind: 'app' },
    handle: createToken,
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/installation',
    access: { kind: 'app' },
    handle(ctx) {
      const installation = installationForRepo(ctx.core.store, callingApp(ctx).id, ctx.repo);
      if (!installation) throw notFound();
      return json(200, installationJson(ctx.core, installation));
    },
  },
  ...(['/orgs/{org}/installation', '/users/{username}/installation'] as const).map(
    (path): Route => ({
      method: 'GET',
      path,
      access: { kind: 'app' },
      handle(ctx) {
        const app = callingApp(ctx);
        const account = accountByLogin(ctx.core.store, ctx.params.org ?? ctx.params.username ?? '');
        const installation = [...ctx.core.store.installations.values()].find(
          (i) => i.appId === app.id && i.accountId === account?.id,
        );
        if (!installation) throw notFound();
        return json(200, installationJson(ctx.core, installation));
      },
    }),
  ),
  {
    method: 'GET',
    path: '/installation/repositories',
    access: { kind: 'public' },
    handle(ctx) {
      if (ctx.principal.kind !== 'installation')
        throw new HttpError(403, 'This endpoint requires an installation token.');
      const { token, installation } = ctx.principal;
      const repos = coveredRepos(ctx.core, installation).filter(
        (repo) => token.repositoryIds === null || token.repositoryIds.includes(repo.id),
      );
      const page = paginate(ctx, repos);
      return json(
        200,
        {
          total_count: repos.length,
          repository_selection: installation.repositorySelection,
          repositories: page.items.map((repo) => repositoryJson(ctx.core, repo)),
        },
        page.headers,
      );
    },
  },
  {
    method: 'DELETE',
    path: '/installation/token',
    access: { kind: 'public' },
    handle(ctx) {
      if (ctx.principal.kind !== 'installation') throw new HttpError(401, 'Bad credentials');
      ctx.core.tokens.revoke(ctx.principal.token.token);
      return noContent();
    },
  },
];
