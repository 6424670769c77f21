// The rules of GitHub's "create a tree" that plain git does not have, for the simulator's route.
import { unprocessable } from '../server/http-error.ts';
import { readTree, type TreeEdit } from './objects.ts';

/**
 * What GitHub refuses in "create a tree" with a base: a deletion (`sha: null`) of a path the base
 * does not have ("Returns an error if you try to delete a file that does not exist", the API
 * reference) or of a directory (422 `GitRPC::BadObjectState`, google/go-github#2418). A request
 * that makes a path a file and also writes under it is not documented; the simulator refuses it
 * too, so the App never depends on what GitHub would make of it.
 */
export async function refuseUndocumented(
  gitDir: string,
  baseTree: string | null,
  edits: TreeEdit[],
): Promise<void> {
  const base = new Map<string, string>();
  if (baseTree) for (const item of await readTree(gitDir, baseTree, true)) base.set(item.path, item.type);
  const leaves = new Set<string>();
  for (const edit of edits) {
    const clean = edit.path.replace(/^\/+|\/+$/g, '');
    if ('delete' in edit) {
      const type = base.get(clean);
      if (type === undefined || type === 'tree') throw unprocessable('GitRPC::BadObjectState');
    } else if (edit.mode !== '040000') leaves.add(clean);
  }
  for (const edit of edits) {
    const parts = edit.path.replace(/^\/+|\/+$/g, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      if (leaves.has(parts.slice(0, i).join('/'))) throw unprocessable('GitRPC::BadObjectState');
    }
  }
}
