// A git tree in memory, built from the Git Data API's recursive listing: directories by name,
// and leaves (files, symlinks, submodules) with their mode and object id. The base tree is never
// changed; the resulting tree copies a directory the first time the change touches it, so a
// change costs what it touches, not the size of the repository. Pure.

export type ListedEntry = {
  path: string;
  mode: string;
  type: string;
  sha: string;
  size?: number | undefined;
};

export type Leaf = {
  kind: 'leaf';
  mode: string;
  /** Object id; null for content of the change that has not been hashed. */
  sha: string | null;
  size: number | null;
  /** The new content, for a leaf the change writes. */
  content?: Buffer;
};
export type Dir = {
  kind: 'dir';
  /** The base tree's object id while nothing under it changed; null once something did. */
  sha: string | null;
  children: Map<string, Node>;
};
export type Node = Leaf | Dir;

export const LINK_MODE = '120000';
export const SUBMODULE_MODE = '160000';

export function isLink(node: Node | undefined): node is Leaf {
  return node?.kind === 'leaf' && node.mode === LINK_MODE;
}

export function emptyDir(): Dir {
  return { kind: 'dir', sha: null, children: new Map() };
}

/** The tree of a recursive listing (trees first or not: parents are made on the way). */
export function treeFromListing(rootSha: string, entries: ListedEntry[]): Dir {
  const root: Dir = { kind: 'dir', sha: rootSha, children: new Map() };
  const dirs = new Map<string, Dir>([['', root]]);
  const dirAt = (path: string): Dir => {
    const existing = dirs.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf('/');
    const parent = dirAt(slash === -1 ? '' : path.slice(0, slash));
    const made: Dir = { kind: 'dir', sha: null, children: new Map() };
    parent.children.set(path.slice(slash + 1), made);
    dirs.set(path, made);
    return made;
  };
  for (const entry of entries) {
    if (entry.type === 'tree') {
      dirAt(entry.path).sha = entry.sha;
      continue;
    }
    const slash = entry.path.lastIndexOf('/');
    const parent = dirAt(slash === -1 ? '' : entry.path.slice(0, slash));
    parent.children.set(entry.path.slice(slash + 1), {
      kind: 'leaf',
      mode: entry.mode,
      sha: entry.sha,
      size: entry.size ?? null,
    });
  }
  return root;
}

/** The node at `path` ('' is the root), or undefined. */
export function nodeAt(root: Dir, path: string): Node | undefined {
  if (path === '') return root;
  let node: Node = root;
  for (const name of path.split('/')) {
    if (node.kind !== 'dir') return undefined;
    const next: Node | undefined = node.children.get(name);
    if (!next) return undefined;
    node = next;
  }
  return node;
}

/** Every leaf under `node` (itself, for a leaf), with its path. */
export function* leavesOf(node: Node, path: string): Generator<[string, Leaf]> {
  if (node.kind === 'leaf') {
    yield [path, node];
    return;
  }
  for (const [name, child] of node.children) yield* leavesOf(child, path === '' ? name : `${path}/${name}`);
}

/**
 * A tree that starts as `base` and is changed in place: `writable(path)` gives the directory at
 * `path` (made, or copied from the base, on first use) with every directory above it copied too.
 */
export function copyOnWrite(base: Dir) {
  const owned = new WeakSet<Dir>();
  const own = (dir: Dir): Dir => {
    if (owned.has(dir)) return dir;
    const copy: Dir = { kind: 'dir', sha: null, children: new Map(dir.children) };
    owned.add(copy);
    return copy;
  };
  const root = own(base);
  return {
    root,
    /** The directory at `path`, writable; a leaf in the way is replaced by a directory. */
    writable(path: string): Dir {
      let dir = root;
      if (path === '') return dir;
      for (const name of path.split('/')) {
        const child = dir.children.get(name);
        const next = child?.kind === 'dir' ? own(child) : own(emptyDir());
        dir.children.set(name, next);
        dir = next;
      }
      return dir;
    },
  };
}

export function parentOf(path: string): { dir: string; name: string } {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? { dir: '', name: path } : { dir: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** Removes directories left empty under `dir` (git stores no empty directory). */
export function pruneEmpty(dir: Dir): void {
  for (const [name, child] of dir.children) {
    // A directory the change did not touch keeps its base id and is left as it is.
    if (child.kind !== 'dir' || child.sha !== null) continue;
    pruneEmpty(child);
    if (child.children.size === 0) dir.children.delete(name);
  }
}
