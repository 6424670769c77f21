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

/**
 * The commit a branch points at and that commit's root tree, in one read; undefined when the
 * branch does not exist (GitHub answers a renamed branch's old name with the new branch: that is
 * not the branch asked for either).
 */
export async function readBranchCommit(
  octokit: Octokit,
  repo: { owner: string; name: string },
  branch: string,
): Promise<{ sha: string; treeSha: string } | undefined> {
  try {
    const { data } = await octokit.rest.repos.getBranch({ owner: repo.owner, repo: repo.name, branch });
    if (data.name !== branch) return undefined;
    return { sha: data.commit.sha, treeSha: data.commit.commit.tree.sha };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}
