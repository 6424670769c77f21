// The agent's change as a commit through the Git Data API (commits made this way are verified):
// the entries the policy accepted (text inline in one tree, binary content as blobs), the tree
// checked against the one the policy judged, then the commit on the base, then the branch —
// created, fast-forwarded, or reused when an earlier attempt made this exact commit.
import { createHash } from 'node:crypto';
import pMap from 'p-map';
import { AppError } from '../../core/errors.ts';
import type { Applied } from '../../core/policy/apply-change.ts';
import { type HashObject, type TreeRequestEntry, treeId } from '../../core/policy/tree-request.ts';
import { decideBranchUpdate } from '../../core/publish/decide-branch-update.ts';
import { commitMessage } from '../../core/render/pr-body.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { BLOB_READ_CONCURRENCY } from './read-base.ts';
import { repoOf } from './repo-of.ts';

type TreeEntry = {
  path: string;
  mode: '100644' | '100755' | '120000' | '160000';
  type: 'blob';
  sha?: string | null;
  content?: string;
};

export const gitObjectId: HashObject = (type, body) =>
  createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');

function isUtf8(buffer: Buffer): boolean {
  return Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);
}

async function treeEntries(octokit: Octokit, task: Task, entries: TreeRequestEntry[]): Promise<TreeEntry[]> {
  return pMap(
    entries,
    async (entry): Promise<TreeEntry> => {
      const mode = entry.mode as TreeEntry['mode'];
      if (!('content' in entry)) return { path: entry.path, mode, type: entry.type, sha: null };
      const bytes = entry.content;
      // Text goes inline in the tree (one request fewer); binary content needs a blob.
      if (isUtf8(bytes) && !bytes.includes(0)) {
        return { path: entry.path, mode, type: 'blob', content: bytes.toString('utf8') };
      }
      const { data: blob } = await octokit.rest.git.createBlob({
        ...repoOf(task),
        content: bytes.toString('base64'),
        encoding: 'base64',
      });
      return { path: entry.path, mode, type: 'blob', sha: blob.sha };
    },
    { concurrency: BLOB_READ_CONCURRENCY },
  );
}

/**
 * The commit of an accepted change. The tree GitHub builds must be the tree the policy judged
 * (same id); anything else is refused before a commit points at it.
 */
export async function createCommit(
  octokit: Octokit,
  task: Task,
  accepted: { applied: Applied; entries: TreeRequestEntry[]; baseTree?: string },
): Promise<{ sha: string; tree: string }> {
  // The policy read the base commit for its tree already; read it here only when it did not.
  const baseTree =
    accepted.baseTree ??
    (await octokit.rest.git.getCommit({ ...repoOf(task), commit_sha: task.baseSha! })).data.tree.sha;
  const entries = await treeEntries(octokit, task, accepted.entries);
  const { data: tree } = await octokit.rest.git.createTree({
    ...repoOf(task),
    base_tree: baseTree,
    tree: entries,
  });
  const expected = treeId(accepted.applied.result, gitObjectId);
  if (tree.sha !== expected) {
    throw new AppError('publish_failed', {
      reason: `GitHub built a tree (${tree.sha.slice(0, 12)}) other than the one the policy checked (${expected.slice(0, 12)}), so nothing was published`,
    });
  }
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

/** Creates `ref` at `sha`; false when it was created, true when it already existed. */
async function refExists(octokit: Octokit, task: Task, ref: string, sha: string): Promise<boolean> {
  try {
    await octokit.rest.git.createRef({ ...repoOf(task), ref: `refs/${ref}`, sha });
    return false;
  } catch (error) {
    if ((error as { status?: number }).status === 422) return true;
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
  // A new branch (the usual case) is created without reading it first; GitHub refuses with 422
  // when it exists (an earlier attempt, or someone else), and then its head decides.
  if (!(await refExists(octokit, task, ref, commit.sha))) return commit.sha;
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
