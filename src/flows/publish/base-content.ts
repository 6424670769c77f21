// What the changed files held at the base commit, read through the Git Data API, for the patch
// policy's line counts and credential scanning.
import type { Change } from '../../contract/job-result.ts';
import type { ChangeWithBase } from '../../core/policy/patch-policy.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { repoOf } from './repo-of.ts';

/** What the changed files held at the base commit, for line counts and credential scanning. */
export async function withBaseContent(
  octokit: Octokit,
  task: Task,
  changes: Change[],
  maxBytes: number,
): Promise<ChangeWithBase[]> {
  const { data: commit } = await octokit.rest.git.getCommit({ ...repoOf(task), commit_sha: task.baseSha! });
  const { data: tree } = await octokit.rest.git.getTree({
    ...repoOf(task),
    tree_sha: commit.tree.sha,
    recursive: 'true',
  });
  const existing = new Map(tree.tree.map((e) => [e.path, e]));
  return Promise.all(
    changes.map(async (change) => {
      const entry = existing.get(change.path);
      if (!entry?.sha || entry.type !== 'blob' || (entry.size ?? 0) > maxBytes) return change;
      const { data: blob } = await octokit.rest.git.getBlob({ ...repoOf(task), file_sha: entry.sha });
      return { ...change, previous: Buffer.from(blob.content, 'base64') };
    }),
  );
}
