// What the policy reads of the base, and nothing more: the tree once (recursive listing; when
// GitHub truncates it — past 100,000 entries or 7 MB — each subtree is listed on its own, up to a
// bound), and only the blobs the policy asks for, a few at a time. The listing starts from the
// base commit itself: GitHub's trees endpoint takes a commit SHA and answers with the commit's
// root tree (its `sha` is the tree's), so the commit is not read first.
import pMap from 'p-map';
import type { BaseListing } from '../../core/policy/evaluate-change.ts';
import type { ListedEntry } from '../../core/policy/tree-model.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { repoOf } from './repo-of.ts';

/** Tree requests one listing may take when the recursive one is truncated (past the first). */
export const MAX_TREE_REQUESTS = 200;
/** Entries of the base tree held at most. */
export const MAX_TREE_ENTRIES = 1_000_000;
/** Tree and blob reads in flight at once. */
export const BLOB_READ_CONCURRENCY = 4;

class TooLarge extends Error {}

export async function readBaseTree(
  octokit: Octokit,
  task: Task,
  bounds = { requests: MAX_TREE_REQUESTS, entries: MAX_TREE_ENTRIES },
): Promise<BaseListing> {
  const repo = repoOf(task);
  let requests = 0;
  const entries: ListedEntry[] = [];
  type Listing = Awaited<ReturnType<Octokit['rest']['git']['getTree']>>['data'];
  const fetchTree = async (sha: string, recursive: boolean): Promise<Listing> => {
    const { data } = await octokit.rest.git.getTree({
      ...repo,
      tree_sha: sha,
      ...(recursive ? { recursive: 'true' } : {}),
    });
    return data;
  };
  const list = async (sha: string, recursive: boolean): Promise<Listing> => {
    if (++requests > bounds.requests) throw new TooLarge();
    return fetchTree(sha, recursive);
  };
  const add = (
    prefix: string,
    items: { path?: string; mode?: string; type?: string; sha?: string; size?: number }[],
  ) => {
    for (const item of items) {
      if (!item.path || !item.mode || !item.type || !item.sha) continue;
      entries.push({
        path: `${prefix}${item.path}`,
        mode: item.mode,
        type: item.type,
        sha: item.sha,
        size: item.size,
      });
    }
    if (entries.length > bounds.entries) throw new TooLarge();
  };
  // Each tree GitHub lists whole (recursively), or, where it truncates, one level of it and
  // then each of its subtrees the same way, breadth first, a few requests at a time.
  const readTree = async (frontier: { sha: string; prefix: string; whole?: Listing }[]): Promise<void> => {
    while (frontier.length > 0) {
      const next: { sha: string; prefix: string }[] = [];
      await pMap(
        frontier,
        async ({ sha, prefix, whole: known }) => {
          const whole = known ?? (await list(sha, true));
          if (!whole.truncated) return add(prefix, whole.tree);
          const level = await list(sha, false);
          if (level.truncated) throw new TooLarge();
          add(prefix, level.tree);
          for (const item of level.tree) {
            if (item.type === 'tree' && item.sha && item.path)
              next.push({ sha: item.sha, prefix: `${prefix}${item.path}/` });
          }
        },
        { concurrency: BLOB_READ_CONCURRENCY },
      );
      frontier = next;
    }
  };
  // The first listing is always made (it names the root tree); the bound is on what follows.
  const root = await fetchTree(task.baseSha!, true);
  try {
    await readTree([{ sha: root.sha, prefix: '', whole: root }]);
  } catch (error) {
    if (!(error instanceof TooLarge)) throw error;
    return {
      sha: root.sha,
      entries: [],
      incomplete: `the base tree is too large to list whole (more than ${bounds.requests} tree requests or ${bounds.entries} entries)`,
    };
  }
  return { sha: root.sha, entries };
}

/** The blobs `shas`, read a few at a time, added to `into`. */
export async function readBlobs(
  octokit: Octokit,
  task: Task,
  shas: string[],
  into: Map<string, Buffer>,
): Promise<void> {
  await pMap(
    shas,
    async (sha) => {
      const { data } = await octokit.rest.git.getBlob({ ...repoOf(task), file_sha: sha });
      into.set(sha, Buffer.from(data.content, data.encoding === 'utf-8' ? 'utf8' : 'base64'));
    },
    { concurrency: BLOB_READ_CONCURRENCY },
  );
}
