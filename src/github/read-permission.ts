import type { RepoPermission } from '../core/access/decide-access.ts';
import type { CommandSource } from '../flows/command/command-source.ts';
import type { Octokit } from './octokit.ts';

/** The commenter's permission from the collaborator-permission API; none when not a collaborator. */
export async function readPermission(
  octokit: Octokit,
  source: Pick<CommandSource, 'repo' | 'sender'>,
): Promise<RepoPermission | null> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: source.repo.owner,
      repo: source.repo.name,
      username: source.sender.login,
    });
    const roleName = (data as { role_name?: string }).role_name ?? null;
    return { permission: data.permission, roleName };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
