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

/** The bar of the repository's trigger rule, in words: who may run (and so approve) tasks. */
export function triggerBar(config: RepoConfig): string {
  const trigger = config.trigger;
  const users = trigger.users.length > 0 ? ', among the users listed in `trigger.users`' : '';
  return `${trigger['min-permission']} access or higher${users}`;
}

/**
 * Who may approve a request from below the bar: someone who could run it themselves — the
 * repository's trigger rule (`min-permission`, `users`), never below write — and never the
 * requester.
 */
export function decideApproveAccess(
  actor: Actor,
  permission: RepoPermission | null,
  config: RepoConfig,
  requesterId: number,
): AccessDecision {
  const role = roleOf(permission);
  if (isAutomation(actor))
    return { decision: 'deny', role, reason: 'bots cannot approve tasks', silent: true };
  if (actor.id === requesterId) {
    return {
      decision: 'deny',
      role,
      reason: `you cannot approve your own request; someone else with ${triggerBar(config)} must`,
    };
  }
  const run = decideRunAccess(actor, permission, config);
  if (run.decision === 'allow' && atLeast(role, 'write')) return { decision: 'allow', role };
  return {
    decision: 'deny',
    role,
    reason: `approving tasks here needs ${triggerBar(config)} (you have ${role})`,
  };
}

/**
 * Who may approve what a pipeline step handed on (its plan): anyone who may approve requests
 * (decideApproveAccess), and also its requester when they may run tasks themselves — a plan
 * is checked before it runs, not a request from below the bar.
 */
export function decidePlanApproveAccess(
  actor: Actor,
  permission: RepoPermission | null,
  config: RepoConfig,
  requesterId: number,
): AccessDecision {
  const role = roleOf(permission);
  if (actor.id === requesterId && !isAutomation(actor)) {
    const run = decideRunAccess(actor, permission, config);
    if (run.decision === 'allow' && atLeast(role, 'write')) return { decision: 'allow', role };
  }
  return decideApproveAccess(actor, permission, config, requesterId);
}

export type ManageAction = 'approve' | 'approve_plan' | 'reject' | 'cancel' | 'retry' | 'replan';

/**
 * Approving follows the trigger rule (decideApproveAccess); retrying runs the task again, so it
 * needs what running it needs; rejecting and cancelling someone else's task need write access,
 * and requesters may always cancel their own.
 */
export function decideManageAccess(
  actor: Actor,
  permission: RepoPermission | null,
  action: ManageAction,
  requesterId: number,
  config: RepoConfig,
): AccessDecision {
  if (action === 'approve') return decideApproveAccess(actor, permission, config, requesterId);
  if (action === 'approve_plan') return decidePlanApproveAccess(actor, permission, config, requesterId);
  const role = roleOf(permission);
  if (isAutomation(actor))
    return { decision: 'deny', role, reason: 'bots cannot manage tasks', silent: true };
  if (action === 'retry' || action === 'replan') {
    if (decideRunAccess(actor, permission, config).decision === 'allow' && atLeast(role, 'write'))
      return { decision: 'allow', role };
    return { decision: 'deny', role, reason: `${action} needs ${triggerBar(config)} (you have ${role})` };
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

/** Who vouches for a task now: its approver if someone approved it, otherwise its requester. */
export type Voucher = { actor: Actor; permission: RepoPermission | null; approved: boolean };

/**
 * Whether a task may still go on, checked again at dispatch and at the deployment gate: the
 * approver must still meet the approval bar (an approval never outlives the approver's access),
 * or, for a task nobody had to approve, the requester must still meet the running bar.
 */
export function decideStillAuthorized(
  voucher: Voucher,
  requesterId: number,
  config: RepoConfig,
): AccessDecision {
  if (!voucher.approved) return decideRunAccess(voucher.actor, voucher.permission, config);
  const access = decideApproveAccess(voucher.actor, voucher.permission, config, requesterId);
  if (access.decision === 'allow') return access;
  return {
    decision: 'deny',
    role: access.role,
    reason: `the task was approved by @${voucher.actor.login}, and approving tasks here needs ${triggerBar(config)} (they have ${access.role})`,
  };
}

/**
 * How long the permission a command read still vouches for the task's own dispatch. The command
 * reads the requester's permission a moment before it records the task; a dispatch within these
 * seconds would read the same answer again. Past them (the task queued behind others, waited for
 * a write slot, or is a retry), the dispatch reads it afresh.
 */
export const REQUEST_PERMISSION_FRESH_MS = 5_000;

export type DispatchAccessFacts = {
  trigger: 'comment' | 'schedule';
  attempt: number;
  /** Someone approved the task: the approver vouches for it, and their reading is not the command's. */
  approved: boolean;
  /** How long ago the task was recorded (just after the command read the permission), on the
   *  clock that recorded it — the database's, never a replica's own, which may be set apart. */
  requestAgeMs: number;
};

/** Whether the dispatch must read the voucher's permission, or may rely on the command's reading. */
export function dispatchRereadsPermission(facts: DispatchAccessFacts): boolean {
  if (facts.trigger !== 'comment' || facts.attempt !== 1 || facts.approved) return true;
  const age = facts.requestAgeMs;
  return !(age >= 0 && age <= REQUEST_PERMISSION_FRESH_MS); // NaN reads again too
}
