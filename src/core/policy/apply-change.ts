// The change applied to the base tree, as GitHub's "create a tree" builds it from `base_tree`
// and the change's entries: a deletion removes the path and, for a directory, everything in it;
// a file, symlink or submodule written where a directory was replaces the whole directory. What
// GitHub does not document (a path that is both a file and a directory in one change, a file
// written under a file the change keeps) is refused rather than guessed. The result says what
// each path becomes and which files of the base go away, so limits and protected paths count
// them all. Pure.
import type { Change } from '../../contract/job-result.ts';
import { foldName } from './path-rules.ts';
import { copyOnWrite, type Dir, type Leaf, leavesOf, nodeAt, parentOf, pruneEmpty } from './tree-model.ts';
import { quoted, type Violation } from './violation.ts';

export type Written = { path: string; mode: string; content: Buffer; before: Leaf | undefined };
export type Removed = { path: string; leaf: Leaf; by: string };

export type Applied = {
  result: Dir;
  /** Every path the change writes, with what the base held there (if a file). */
  written: Map<string, Written>;
  /** Every file, symlink or submodule of the base that is gone from the result. */
  removed: Removed[];
  problems: Violation[];
};

function ancestorsOf(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** A name next to `name` in `dir` that a case-insensitive file system takes for the same one. */
function caseTwin(dir: Dir, name: string): string | undefined {
  if (dir.children.has(name)) return undefined;
  const folded = foldName(name);
  for (const sibling of dir.children.keys()) if (foldName(sibling) === folded) return sibling;
  return undefined;
}

export function applyChange(base: Dir, changes: Change[]): Applied {
  const tree = copyOnWrite(base);
  const written = new Map<string, Written>();
  const removed: Removed[] = [];
  const problems: Violation[] = [];
  const writes = changes.filter((c) => c.status !== 'deleted');
  const writtenPaths = new Set(writes.map((c) => c.path));

  const removeAt = (path: string, by: string) => {
    const node = nodeAt(tree.root, path);
    if (!node) return;
    for (const [leafPath, leaf] of leavesOf(node, path)) removed.push({ path: leafPath, leaf, by });
    const { dir, name } = parentOf(path);
    tree.writable(dir).children.delete(name);
  };

  for (const change of changes) {
    if (change.status !== 'deleted') continue;
    if (!nodeAt(base, change.path)) {
      problems.push({
        path: change.path,
        rule: 'invalid-path',
        detail: 'the change deletes a path that the base tree does not have',
      });
      continue;
    }
    removeAt(change.path, change.path);
  }

  for (const change of writes) {
    const path = change.path;
    const ancestors = ancestorsOf(path);
    const writtenAbove = ancestors.find((a) => writtenPaths.has(a));
    if (writtenAbove !== undefined) {
      problems.push({
        path,
        rule: 'invalid-path',
        detail: `the change also writes ${quoted(writtenAbove)} as a file, so this path cannot be inside it`,
      });
      continue;
    }
    const fileAbove = ancestors.find((a) => nodeAt(tree.root, a)?.kind === 'leaf');
    if (fileAbove !== undefined) {
      problems.push({
        path,
        rule: 'invalid-path',
        detail: `${quoted(fileAbove)} is a file in the base tree and the change does not delete it`,
      });
      continue;
    }
    const twin = [...ancestors, path]
      .map((p) => {
        const { dir, name } = parentOf(p);
        const parent = nodeAt(tree.root, dir);
        const other = parent?.kind === 'dir' ? caseTwin(parent, name) : undefined;
        return other === undefined ? undefined : dir === '' ? other : `${dir}/${other}`;
      })
      .find((t) => t !== undefined);
    if (twin !== undefined) {
      problems.push({
        path,
        rule: 'invalid-path',
        detail: `the path and ${quoted(twin)} are the same on case-insensitive file systems (macOS, Windows)`,
      });
      continue;
    }
    const existing = nodeAt(tree.root, path);
    const before = existing?.kind === 'leaf' ? existing : undefined;
    if (existing?.kind === 'dir') removeAt(path, path);
    const content = Buffer.from(change.content, 'base64');
    const { dir, name } = parentOf(path);
    tree
      .writable(dir)
      .children.set(name, { kind: 'leaf', mode: change.mode, sha: null, size: content.length, content });
    written.set(path, { path, mode: change.mode, content, before });
  }

  pruneEmpty(tree.root);
  return { result: tree.root, written, removed, problems };
}
