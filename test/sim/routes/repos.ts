// Repository, collaborator permission and user routes.

import { fullRepositoryJson } from '../serialize/repository.ts';
import { publicUserJson, userJson } from '../serialize/user.ts';
import { notFound } from '../server/http-error.ts';
import { json, type Route } from '../server/route.ts';
import { accountByLogin, roleOf } from '../state/store.ts';
import type { RepoRole } from '../state/types.ts';

const legacyPermission: Record<RepoRole, 'admin' | 'write' | 'read' | 'none'> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const order: RepoRole[] = ['read', 'triage', 'write', 'maintain', 'admin'];

function permissionFlags(role: RepoRole) {
  const rank = order.indexOf(role);
  return { pull: rank >= 0, triage: rank >= 1, push: rank >= 2, maintain: rank >= 3, admin: rank >= 4 };
}

export const repoRoutes: Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}',
    access: { kind: 'repo', permission: 'metadata', level: 'read' },
    handle: (ctx) => json(200, fullRepositoryJson(ctx.core, ctx.repo)),
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/collaborators/{username}/permission',
    access: { kind: 'repo', permission: 'metadata', level: 'read' },
    handle(ctx) {
      const user = accountByLogin(ctx.core.store, ctx.params.username ?? '');
      if (!user) throw notFound();
      let role = roleOf(ctx.repo, user.id);
      // Everyone can read a public repository.
      if (role === 'none' && !ctx.repo.private) role = 'read';
      return json(200, {
        permission: legacyPermission[role],
        role_name: role,
        user: { ...userJson(ctx.core, user), permissions: permissionFlags(role), role_name: role },
      });
    },
  },
  {
    method: 'GET',
    path: '/users/{username}',
    access: { kind: 'public' },
    handle(ctx) {
      const user = accountByLogin(ctx.core.store, ctx.params.username ?? '');
      if (!user) throw notFound();
      return json(200, publicUserJson(ctx.core, user));
    },
  },
];
