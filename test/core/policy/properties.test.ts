// Properties of the policy held against independent oracles: the kernel (the accepted tree
// written to disk, every symlink resolved with realpath) and git (the App's tree request applied
// to the base by real git, as the simulator's "create a tree" does).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Change } from '../../../src/contract/job-result.ts';
import { protectedPathMatcher } from '../../../src/core/policy/protected-paths.ts';
import { type Dir, leavesOf, treeFromListing } from '../../../src/core/policy/tree-model.ts';
import { treeId } from '../../../src/core/policy/tree-request.ts';
import { buildTree, readTree, type TreeEdit } from '../../sim/git/objects.ts';
import { refuseUndocumented } from '../../sim/git/tree-rules.ts';
import { add, type BaseFile, baseOf, del, gitId, judge, link } from './support.ts';

const scratch = mkdtempSync(path.join(tmpdir(), 'policy-properties-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const plainName = fc.constantFrom('a', 'b', 'c', 'sub', 'x.txt');
const name = fc.oneof({ weight: 5, arbitrary: plainName }, fc.constantFrom('.claude', 'CLAUDE.md'));
const pathOf = (n: fc.Arbitrary<string>) =>
  fc.array(n, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const repoPath = pathOf(name);
const target = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(fc.constantFrom('..', '.', 'a', 'b', 'c', 'sub', 'x.txt', 'outside', 'etc'), {
        minLength: 1,
        maxLength: 5,
      })
      .map((p) => p.join('/')),
  },
  { weight: 1, arbitrary: fc.constant('/etc') },
);
const baseFile: fc.Arbitrary<BaseFile> = fc.oneof(
  fc.constantFrom('one\n', 'two\nlines\n'),
  target.map((t) => ({ link: t })),
);

/** A base without paths that are both a file and a directory. */
const base = fc.array(fc.tuple(repoPath, baseFile), { maxLength: 8 }).map((entries) => {
  const files: Record<string, BaseFile> = {};
  for (const [p, file] of entries) {
    const clash = Object.keys(files).some((q) => q === p || q.startsWith(`${p}/`) || p.startsWith(`${q}/`));
    if (!clash) files[p] = file;
  }
  return files;
});

const change = (paths: string[]): fc.Arbitrary<Change> =>
  fc.oneof(
    repoPath.map((p) => add(p, 'new\n')),
    fc.tuple(repoPath, target).map(([p, t]) => link(p, t)),
    (paths.length > 0 ? fc.constantFrom(...paths) : repoPath).map((p) => del(p)),
  );

const scenario = base.chain((files) => {
  const dirs = Object.keys(files).flatMap((p) =>
    p
      .split('/')
      .slice(0, -1)
      .map((_, i, all) => all.slice(0, i + 1).join('/')),
  );
  return fc.tuple(
    fc.constant(files),
    fc.array(change([...Object.keys(files), ...dirs]), { minLength: 1, maxLength: 5 }),
  );
});

let counter = 0;
/** The tree written under a fresh directory, next to an `outside` directory it must not reach. */
function materialize(tree: Dir, blobs: Map<string, Buffer>): string {
  const top = path.join(scratch, String(counter++));
  const root = path.join(top, 'repo');
  mkdirSync(path.join(top, 'outside', 'etc'), { recursive: true });
  mkdirSync(root, { recursive: true });
  const leaves = [...leavesOf(tree, '')];
  const bytes = (leaf: (typeof leaves)[number][1]) => leaf.content ?? blobs.get(leaf.sha!)!;
  for (const [p, leaf] of leaves) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    if (leaf.mode !== '120000') writeFileSync(path.join(root, p), bytes(leaf));
  }
  for (const [p, leaf] of leaves)
    if (leaf.mode === '120000') symlinkSync(bytes(leaf).toString(), path.join(root, p));
  return realpathSync(root);
}

/** Where the kernel resolves each symlink: 'inside', 'outside', or the error code. */
function kernelView(tree: Dir, blobs: Map<string, Buffer>): Map<string, string> {
  const root = materialize(tree, blobs);
  const out = new Map<string, string>();
  for (const [p, leaf] of leavesOf(tree, '')) {
    if (leaf.mode !== '120000') continue;
    try {
      const real = realpathSync(path.join(root, p));
      out.set(p, real === root || real.startsWith(`${root}/`) ? 'inside' : 'outside');
    } catch (error) {
      out.set(p, (error as NodeJS.ErrnoException).code ?? 'error');
    }
  }
  return out;
}

describe('policy properties', () => {
  it('no accepted change yields a symlink the kernel resolves outside the repository or in a loop', () => {
    fc.assert(
      fc.property(scenario, ([files, changes]) => {
        const run = judge(changes, files);
        if (run.verdict.kind !== 'accepted') return;
        const { blobs, listing } = baseOf(files);
        const before = kernelView(treeFromListing(listing.sha, listing.entries), blobs);
        const after = kernelView(run.verdict.applied.result, blobs);
        for (const [p, where] of after) {
          // A link that was already wrong in the base and still is, the same way, is not the change's.
          if (!changes.some((c) => c.path === p) && before.get(p) === where) continue;
          expect(where, `the symlink ${p}`).not.toMatch(/^(outside|ELOOP)$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('git builds from the tree request exactly the tree the policy judged, touching no protected path', async () => {
    const gitDir = path.join(scratch, 'repo.git');
    execFileSync('git', ['init', '--bare', '--quiet', gitDir]);
    const isProtected = protectedPathMatcher({ denyPaths: [], allowPaths: [] });
    const files = async (tree: string) =>
      new Map(
        (await readTree(gitDir, tree, true))
          .filter((i) => i.type !== 'tree')
          .map((i) => [i.path, `${i.mode} ${i.sha}`]),
      );
    await fc.assert(
      fc.asyncProperty(scenario, async ([baseFiles, changes]) => {
        const run = judge(changes, baseFiles, { maxFiles: 4 });
        if (run.verdict.kind !== 'accepted') return;
        const { listing, blobs } = baseOf(baseFiles);
        const seed: TreeEdit[] = listing.entries
          .filter((e) => e.type !== 'tree')
          .map((e) => ({ path: e.path, mode: e.mode as '100644', content: blobs.get(e.sha)! }));
        const baseTree = await buildTree(gitDir, null, seed);
        expect(baseTree).toBe(listing.sha);
        const edits: TreeEdit[] = run.verdict.entries.map((e) =>
          'content' in e
            ? { path: e.path, mode: e.mode as '100644', content: e.content }
            : { path: e.path, delete: true },
        );
        await refuseUndocumented(gitDir, baseTree, edits);
        const built = await buildTree(gitDir, baseTree, edits);
        expect(built).toBe(treeId(run.verdict.applied.result, gitId));
        const [was, now] = [await files(baseTree), await files(built)];
        const touched = [...new Set([...was.keys(), ...now.keys()])].filter((p) => was.get(p) !== now.get(p));
        expect(touched.length).toBeLessThanOrEqual(4);
        expect(touched.filter((p) => isProtected(p))).toEqual([]);
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
