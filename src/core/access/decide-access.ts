// Who may do what. Pure: the caller looks up the commenter's permission with the
// collaborator-permission API (never author_association, never a `[bot]` suffix).
import type { RepoConfig, Role } from '../repo-config/schema.ts';
import { ROLES } from '../repo-config/schema.ts';

export type Actor = { login: string; id: number; type: string };
export type RepoPermission = { permission: string; roleName?: string | null };

export type AccessDecision =
  | { decision: 'allow'; role: Role }
  | { decision: 'needs_approval'; role: Role; reason: string }
  | { decision: 'deny'; role: Role; reason: string; silent?: boolean };

/**
 * The user's real role. `permission` folds maintain into write and triage into read; `role_name`
 * keeps them (custom roles fall back to `permission`).
 */
export function roleOf(permission: RepoPermission | null): Role {
  if (!permission) return 'none';
  const name = permission.roleName?.toLowerCase();
  if (name && (ROLES as readonly string[]).includes(name)) return name as Role;
  const base = permission.permission.toLowerCase();
  return (ROLES as readonly string[]).includes(base) ? (base as Role) : 'none';
}

export function atLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** Accounts that never start work: any bot (by account type), including this App. */
export function isAutomation(actor: Actor): boolean {
  return actor.type !== 'User';
}

export function decideRunAccess(
  actor: Actor,
  permission: RepoPermission | null,
  config: RepoConfig,
): AccessDecision {
  const role = roleOf(permission);
  if (isAutomation(actor)) return { decision: 'deny', role, reason: 'bots never start tasks', silent: true };
  const trigger = config.trigger;
  const listed =
    trigger.users.length === 0 || trigger.users.some((u) => u.toLowerCase() === actor.login.toLowerCase());
  if (listed && atLeast(role, trigger['min-permission'])) return { decision: 'allow', role };
  const why = listed
    ? `running tasks here needs ${trigger['min-permission']} access to this repository (you have ${role})`
    : 'this repository only lets the users listed in `.github/agent.yml` (`trigger.users`) run tasks';
  if (trigger['below-permission'] === 'approval') {
    return { decision: 'needs_approval', role, reason: why };
  }
  return { decision: 'deny', role, reason: why };
}

/** Approving, rejecting, retrying, and cancelling someone else's task need write access. */
export function decideManageAccess(
  actor: Actor,
  permission: RepoPermission | null,
  action: 'approve' | 'reject' | 'cancel' | 'retry',
  requesterId: number,
): AccessDecision {
  const role = roleOf(permission);
  if (isAutomation(actor))
    return { decision: 'deny', role, reason: 'bots cannot manage tasks', silent: true };
  if (action === 'approve' && actor.id === requesterId) {
    return {
      decision: 'deny',
      role,
      reason: 'you cannot approve your own request; someone else with write access must',
    };
  }
  if (atLeast(role, 'write')) return { decision: 'allow', role };
  // Requesters may always cancel their own task.
  if (action === 'cancel' && actor.id === requesterId) return { decision: 'allow', role };
  return {
    decision: 'deny',
    role,
    reason: `${action} needs write access to this repository (you have ${role})`,
  };
}
