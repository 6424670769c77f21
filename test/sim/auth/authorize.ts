// Checks that a principal may use a route on a repository: repository scope first, then permission.
// Outside its repositories a token sees 404 for a private repository and 403 for a public one.
import type { SimCore } from '../core.ts';
import {
  HttpError,
  notAccessibleByIntegration,
  notFound,
  requiresAuthentication,
} from '../server/http-error.ts';
import type { Access } from '../server/route.ts';
import { installationCoversRepo, repoByName, roleOf } from '../state/store.ts';
import type { PermissionLevel, Permissions, Repo, RepoRole } from '../state/types.ts';
import type { Principal } from './principal.ts';

const levelRank: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };
const roleRank: Record<RepoRole, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function hasPermission(granted: Permissions, name: string, level: PermissionLevel): boolean {
  if (name === 'metadata' && level === 'read') return true;
  const have = granted[name];
  return have !== undefined && levelRank[have] >= levelRank[level];
}

export function roleAtLeast(role: RepoRole, needed: RepoRole): boolean {
  return roleRank[role] >= roleRank[needed];
}

function allows(granted: Permissions, access: Extract<Access, { kind: 'repo' }>): boolean {
  return (
    hasPermission(granted, access.permission, access.level) ||
    (access.or !== undefined && hasPermission(granted, access.or, access.level))
  );
}

function outside(repo: Repo): HttpError {
  return repo.private ? notFound() : notAccessibleByIntegration();
}

export function authorizeRepo(
  core: SimCore,
  principal: Principal,
  access: Extract<Access, { kind: 'repo' }>,
  params: Record<string, string>,
): Repo {
  const repo = repoByName(core.store, params.owner ?? '', params.repo ?? '');
  if (!repo) throw notFound();
  switch (principal.kind) {
    case 'anonymous':
      if (repo.private) throw notFound();
      if (access.level !== 'read') throw requiresAuthentication();
      return repo;
    case 'app':
      throw notAccessibleByIntegration();
    case 'installation': {
      const { token, installation } = principal;
      const inScope = token.repositoryIds === null || token.repositoryIds.includes(repo.id);
      if (!inScope || !installationCoversRepo(installation, repo)) throw outside(repo);
      if (!allows(token.permissions, access)) throw notAccessibleByIntegration();
      return repo;
    }
    case 'job':
      if (principal.token.repoId !== repo.id) throw outside(repo);
      if (!allows(principal.token.permissions, access)) throw notAccessibleByIntegration();
      return repo;
    case 'user': {
      const role = roleOf(repo, principal.user.id);
      if (repo.private && role === 'none') throw notFound();
      const needed = access.userRole ?? (access.level === 'read' ? 'read' : 'write');
      if (needed === 'read' && !repo.private) return repo;
      if (!roleAtLeast(role, needed)) throw new HttpError(403, 'Must have push access to this repository.');
      return repo;
    }
  }
}
