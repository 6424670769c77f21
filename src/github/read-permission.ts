import type { RepoPermission, Voucher } from '../core/access/decide-access.ts';
import type { Task } from '../core/task/task.ts';
import type { Octokit } from './octokit.ts';

/**
 * The user's permission from the collaborator-permission API; none when not a collaborator, or
 * when the login now names another account than the id we know (a renamed or recycled login).
 */
export async function readPermission(
  octokit: Octokit,
  source: { repo: { owner: string; name: string }; sender: { login: string; id: number } },
): Promise<RepoPermission | null> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: source.repo.owner,
      repo: source.repo.name,
      username: source.sender.login,
    });
    const userId = (data.user as { id?: number } | null | undefined)?.id;
    if (userId !== undefined && userId !== source.sender.id) return null;
    const roleName = (data as { role_name?: string }).role_name ?? null;
    return { permission: data.permission, roleName };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/**
 * Who vouches for a task, with their permission now: its approver if someone approved it,
 * otherwise its requester (decideStillAuthorized judges it).
 */
export async function readVoucher(octokit: Octokit, task: Task): Promise<Voucher> {
  const approved = task.approvedBy !== null && task.approvedById !== null;
  const actor = approved
    ? { login: task.approvedBy!, id: task.approvedById!, type: 'User' }
    : { login: task.requesterLogin, id: task.requesterId, type: 'User' };
  const repo = { id: task.repoId, owner: task.repoOwner, name: task.repoName, defaultBranch: '' };
  return { actor, approved, permission: await readPermission(octokit, { repo, sender: actor }) };
}
