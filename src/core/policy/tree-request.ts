// What the App sends to GitHub's "create a tree" for an accepted change, and the id the tree it
// gets back must have. The entries use only what GitHub documents: `sha: null` on a file deletes
// it (a directory is deleted file by file; GitHub answers 422 to `sha: null` on a directory),
// an entry at a path overwrites whatever the base had there (a whole directory, too). Deletions
// come first. The expected id is computed here from the tree the policy judged, so if GitHub
// builds anything else the App sees a different id and publishes nothing. Pure: the hash of a
// git object is passed in.
import type { Applied } from './apply-change.ts';
import type { Dir, Leaf, Node } from './tree-model.ts';

export type TreeRequestEntry =
  | { path: string; mode: string; type: 'blob'; sha: null }
  | { path: string; mode: string; type: 'blob'; content: Buffer };

/** The git object id of `body` as an object of `type` (sha1 over `<type> <size>\0<body>`). */
export type HashObject = (type: 'blob' | 'tree', body: Buffer) => string;

/** `path` and each directory above it. */
function selfAndAncestors(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

export function treeRequest(applied: Applied): TreeRequestEntry[] {
  const deletions = applied.removed
    // Gone because something is written at it or above it: that entry overwrites it.
    .filter((r) => !selfAndAncestors(r.path).some((p) => applied.written.has(p)))
    .map(
      (r): TreeRequestEntry => ({
        path: r.path,
        mode: r.leaf.mode,
        // Never a submodule: the policy refuses removing one.
        type: 'blob',
        sha: null,
      }),
    );
  const writes = [...applied.written.values()].map(
    (w): TreeRequestEntry => ({ path: w.path, mode: w.mode, type: 'blob', content: w.content }),
  );
  return [...deletions, ...writes];
}

function treeMode(node: Node): string {
  return node.kind === 'dir' ? '40000' : node.mode;
}

function leafId(leaf: Leaf, hash: HashObject): string {
  if (leaf.sha !== null) return leaf.sha;
  if (!leaf.content) throw new Error('a leaf without content has no id');
  return hash('blob', leaf.content);
}

/** The id of the tree `dir` (recomputing only what the change touched). */
export function treeId(dir: Dir, hash: HashObject): string {
  if (dir.sha !== null) return dir.sha;
  const entries = [...dir.children].map(([name, node]) => ({
    name,
    node,
    // git orders a directory as if its name ended in '/'.
    key: Buffer.from(node.kind === 'dir' ? `${name}/` : name, 'utf8'),
  }));
  entries.sort((a, b) => Buffer.compare(a.key, b.key));
  const body = Buffer.concat(
    entries.flatMap(({ name, node }) => [
      Buffer.from(`${treeMode(node)} ${name}\0`, 'utf8'),
      Buffer.from(node.kind === 'dir' ? treeId(node, hash) : leafId(node, hash), 'hex'),
    ]),
  );
  return hash('tree', body);
}
