// The agent's change as a commit through the Git Data API (commits made this way are verified):
// text inline in one tree, binary content as blobs, then the commit on the base, then the
// branch — created, fast-forwarded, or reused when an earlier attempt made this exact commit.
import type { Change } from '../../contract/job-result.ts';
import { AppError } from '../../core/errors.ts';
import { decideBranchUpdate } from '../../core/publish/decide-branch-update.ts';
import { commitMessage } from '../../core/render/pr-body.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { repoOf } from './repo-of.ts';

type TreeEntry = {
  path: string;
  mode: '100644' | '100755' | '120000' | '160000';
  type: 'blob';
  sha?: string | null;
  content?: string;
};

function isUtf8(buffer: Buffer): boolean {
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

async function treeEntries(octokit: Octokit, task: Task, changes: Change[]): Promise<TreeEntry[]> {
  return Promise.all(
    changes.map(async (change): Promise<TreeEntry> => {
      if (change.status === 'deleted') return { path: change.path, mode: '100644', type: 'blob', sha: null };
      const bytes = Buffer.from(change.content, 'base64');
      // Text goes inline in the tree (one request fewer); binary content needs a blob.
      if (isUtf8(bytes) && !bytes.includes(0)) {
        return { path: change.path, mode: change.mode, type: 'blob', content: bytes.toString('utf8') };
      }
      const { data: blob } = await octokit.rest.git.createBlob({
        ...repoOf(task),
        content: change.content,
        encoding: 'base64',
      });
      return { path: change.path, mode: change.mode, type: 'blob', sha: blob.sha };
    }),
  );
}

export async function createCommit(
  octokit: Octokit,
  task: Task,
  changes: Change[],
): Promise<{ sha: string; tree: string }> {
  const { data: base } = await octokit.rest.git.getCommit({ ...repoOf(task), commit_sha: task.baseSha! });
  const entries = await treeEntries(octokit, task, changes);
  const { data: tree } = await octokit.rest.git.createTree({
    ...repoOf(task),
    base_tree: base.tree.sha,
    tree: entries,
  });
  const message = commitMessage(task);
  const { data: commit } = await octokit.rest.git.createCommit({
    ...repoOf(task),
    message,
    tree: tree.sha,
    parents: [task.baseSha!],
  });
  return { sha: commit.sha, tree: tree.sha };
}

async function branchHead(octokit: Octokit, task: Task, ref: string): Promise<string | undefined> {
  try {
    return (await octokit.rest.git.getRef({ ...repoOf(task), ref })).data.object.sha;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/** Points the branch at the commit and returns the branch's head. */
export async function updateBranch(
  octokit: Octokit,
  task: Task,
  branch: string,
  commit: { sha: string; tree: string },
): Promise<string> {
  const ref = `heads/${branch}`;
  const baseSha = task.baseSha!;
  const current = await branchHead(octokit, task, ref);
  let update = decideBranchUpdate({ baseSha, commit, current });
  if (update.kind === 'inspect') {
    const { data: head } = await octokit.rest.git.getCommit({ ...repoOf(task), commit_sha: update.current });
    update = decideBranchUpdate({
      baseSha,
      commit,
      current,
      head: { tree: head.tree.sha, parents: head.parents.map((p) => p.sha) },
    });
  }
  switch (update.kind) {
    case 'create':
      await octokit.rest.git.createRef({ ...repoOf(task), ref: `refs/${ref}`, sha: commit.sha });
      return commit.sha;
    case 'fast_forward':
      await octokit.rest.git.updateRef({ ...repoOf(task), ref, sha: commit.sha, force: false });
      return commit.sha;
    case 'reuse':
      return update.sha;
    case 'moved':
    case 'inspect':
      throw new AppError('branch_moved', { branch, current: current ?? '', base: baseSha, taskId: task.id });
  }
}
