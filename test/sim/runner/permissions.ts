// The `permissions:` key of a workflow or job, and the permissions a job's GITHUB_TOKEN (and
// OIDC request) end up with.
import { WorkflowError } from './workflow-error.ts';

export type PermissionLevel = 'read' | 'write' | 'none';
export type Permissions = 'read-all' | 'write-all' | Partial<Record<PermissionScope, PermissionLevel>>;

export const PERMISSION_SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses',
] as const;
export type PermissionScope = (typeof PERMISSION_SCOPES)[number];

const LEVELS: readonly string[] = ['read', 'write', 'none'];

export function parsePermissions(value: unknown, field: string): Permissions {
  if (value === 'read-all' || value === 'write-all') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WorkflowError(
      field,
      'must be read-all, write-all or a mapping of scope to read, write or none',
    );
  }
  const out: Partial<Record<PermissionScope, PermissionLevel>> = {};
  for (const [scope, level] of Object.entries(value)) {
    if (!(PERMISSION_SCOPES as readonly string[]).includes(scope)) {
      throw new WorkflowError(
        `${field}.${scope}`,
        `unknown permission scope; known scopes: ${PERMISSION_SCOPES.join(', ')}`,
      );
    }
    if (typeof level !== 'string' || !LEVELS.includes(level)) {
      throw new WorkflowError(`${field}.${scope}`, 'must be read, write or none');
    }
    out[scope as PermissionScope] = level as PermissionLevel;
  }
  return out;
}

/** The repository's default GITHUB_TOKEN permissions when a workflow sets none (Settings →
 *  Actions → Workflow permissions). Neither default grants `id-token`. */
export type DefaultTokenPermissions = 'permissive' | 'restricted';

function expand(permissions: Permissions): Record<PermissionScope, PermissionLevel> {
  const all = (level: PermissionLevel) =>
    Object.fromEntries(PERMISSION_SCOPES.map((scope) => [scope, level])) as Record<
      PermissionScope,
      PermissionLevel
    >;
  if (permissions === 'read-all') return all('read');
  if (permissions === 'write-all') return all('write');
  // A mapping sets every scope it does not name to none.
  return { ...all('none'), ...permissions };
}

/** A job's effective permissions: its own `permissions:` replaces the workflow's entirely. */
export function effectivePermissions(
  workflowPermissions: Permissions | undefined,
  jobPermissions: Permissions | undefined,
  defaults: DefaultTokenPermissions = 'restricted',
): Record<PermissionScope, PermissionLevel> {
  const declared = jobPermissions ?? workflowPermissions;
  if (declared !== undefined) return expand(declared);
  const base = expand(defaults === 'permissive' ? 'write-all' : {});
  if (defaults === 'restricted') {
    base.contents = 'read';
    base.packages = 'read';
  }
  base['id-token'] = 'none';
  return base;
}
