import type { Octokit } from './octokit.ts';

/** The commit a branch points at; undefined when it does not exist. */
export async function readBranchHead(
  octokit: Octokit,
  repo: { owner: string; name: string },
  branch: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.git.getRef({
      owner: repo.owner,
      repo: repo.name,
      ref: `heads/${branch}`,
    });
    return data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
