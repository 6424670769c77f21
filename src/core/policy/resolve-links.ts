// Where a symlink really points in a tree, resolved the way the kernel does: component by
// component from the link's directory, every symlink on the way expanded (chains, and links to
// directories that make a later `..` climb somewhere else), at most 40 links deep (Linux's
// limit). A component that does not exist, or is a file, is taken as a directory name, so `..`
// after it climbs lexically: a dangling link is judged by where it would point once the missing
// part appears. With `fold`, names are looked up as a case-insensitive file system (macOS,
// Windows) would. Pure.
import { foldName, linkTargetProblem } from './path-rules.ts';
import { type Dir, isLink, type Leaf, type Node, nodeAt, SUBMODULE_MODE } from './tree-model.ts';

export const MAX_LINK_HOPS = 40;

export type Resolution =
  | {
      kind: 'inside';
      /** The real path the link ends at ('' is the repository's root). */
      path: string;
      /** Every real path walked on the way, and every link followed (the first is the link itself). */
      walked: string[];
      links: string[];
    }
  | { kind: 'outside'; walked: string[]; links: string[] }
  | { kind: 'loop'; walked: string[]; links: string[] }
  | { kind: 'invalid'; link: string; reason: string }
  | { kind: 'submodule'; path: string }
  /** A link whose target was not read (the caller did not provide it). */
  | { kind: 'unknown'; link: string };

/** A link's target, or undefined when it is not known. */
export type TargetOf = (leaf: Leaf) => string | undefined;

const foldedNames = new WeakMap<Dir, Map<string, string>>();

function child(dir: Dir, name: string, fold: boolean): [string, Node] | undefined {
  const exact = dir.children.get(name);
  if (exact) return [name, exact];
  if (!fold) return undefined;
  let names = foldedNames.get(dir);
  if (!names) {
    names = new Map();
    for (const key of dir.children.keys()) if (!names.has(foldName(key))) names.set(foldName(key), key);
    foldedNames.set(dir, names);
  }
  const real = names.get(foldName(name));
  return real === undefined ? undefined : [real, dir.children.get(real)!];
}

export function resolveLink(tree: Dir, linkPath: string, targetOf: TargetOf, fold: boolean): Resolution {
  const start = nodeAt(tree, linkPath);
  if (!isLink(start)) return { kind: 'invalid', link: linkPath, reason: 'is not a symlink' };
  const links = [linkPath];
  const walked: string[] = [];
  const dir = linkPath.split('/').slice(0, -1);
  let queue: string[] = [];

  const follow = (leaf: Leaf, at: string): Resolution | undefined => {
    const target = targetOf(leaf);
    if (target === undefined) return { kind: 'unknown', link: at };
    if (target.startsWith('/')) return { kind: 'outside', walked, links };
    const problem = linkTargetProblem(target);
    if (problem) return { kind: 'invalid', link: at, reason: `its target ${problem}` };
    queue = [...target.split('/'), ...queue];
    return undefined;
  };

  const first = follow(start, linkPath);
  if (first) return first;
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (dir.length === 0) return { kind: 'outside', walked, links };
      dir.pop();
      continue;
    }
    const parent = nodeAt(tree, dir.join('/'));
    const found = parent?.kind === 'dir' ? child(parent, name, fold) : undefined;
    const real = found?.[0] ?? name;
    const path = [...dir, real].join('/');
    walked.push(path);
    const node = found?.[1];
    if (node?.kind === 'leaf' && node.mode === SUBMODULE_MODE) return { kind: 'submodule', path };
    if (isLink(node)) {
      links.push(path);
      if (links.length > MAX_LINK_HOPS) return { kind: 'loop', walked, links };
      const stop = follow(node, path);
      if (stop) return stop;
      continue;
    }
    dir.push(real);
  }
  return { kind: 'inside', path: dir.join('/'), walked, links };
}
