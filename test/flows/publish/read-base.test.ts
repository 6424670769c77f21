// The base tree as the policy reads it, from the simulator (real git): once, recursively; and,
// where GitHub truncates the listing, subtree by subtree, with the same entries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../../src/core/task/task.ts';
import { readBaseTree } from '../../../src/flows/publish/read-base.ts';
import type { Octokit } from '../../../src/github/octokit.ts';
import { createWorld, type World } from '../../sim/tests/support/world.ts';

let world: World;
let task: Task;
beforeAll(async () => {
  const files = Object.fromEntries(
    Array.from({ length: 12 }, (_, i) => [`d${i % 3}/sub${i % 2}/f${i}.txt`, `${i}\n`]),
  );
  world = await createWorld({}, { ...files, 'top.txt': 'top\n' });
  const head = await world.sim.git.resolve('acme/widgets', 'main');
  task = { repoOwner: 'acme', repoName: 'widgets', baseSha: head } as Task;
});
afterAll(async () => {
  await world.close();
});

const sorted = (entries: { path: string; sha: string }[]) => entries.map((e) => `${e.path} ${e.sha}`).sort();

describe('readBaseTree', () => {
  it('reads the tree with one recursive listing', async () => {
    const from = world.sim.core.requests.records.length;
    const listing = await readBaseTree(world.installationOctokit() as unknown as Octokit, task);
    expect(listing.incomplete).toBeUndefined();
    expect(listing.entries.filter((e) => e.type === 'blob')).toHaveLength(13);
    // From the base commit itself: one listing, no read of the commit first.
    const reads = world.sim.core.requests.records
      .slice(from)
      .filter((r) => r.path.includes('/git/'))
      .map((r) => r.path.split('/git/')[1]?.split('/')[0]);
    expect(reads).toEqual(['trees']);
    // The listing's id is the commit's tree (what a new commit's base_tree must be), not the commit.
    const commit = await world
      .installationOctokit()
      .rest.git.getCommit({ owner: 'acme', repo: 'widgets', commit_sha: task.baseSha! });
    expect(listing.sha).toBe(commit.data.tree.sha);
  });

  it('lists a truncated tree subtree by subtree, with the same entries', async () => {
    const octokit = world.installationOctokit() as unknown as Octokit;
    const whole = await readBaseTree(octokit, task);
    world.sim.core.limits.recursiveTreeEntries = 8;
    try {
      const paged = await readBaseTree(octokit, task);
      expect(paged.incomplete).toBeUndefined();
      expect(sorted(paged.entries)).toEqual(sorted(whole.entries));
      world.sim.core.limits.recursiveTreeEntries = 0;
      expect(sorted((await readBaseTree(octokit, task)).entries)).toEqual(sorted(whole.entries));
      const bounded = await readBaseTree(octokit, task, { requests: 5, entries: 1000 });
      expect(bounded).toMatchObject({
        entries: [],
        incomplete: expect.stringContaining('too large to list whole'),
      });
      // No request past the first: a truncated tree is too large, not an error.
      expect(await readBaseTree(octokit, task, { requests: 0, entries: 1000 })).toMatchObject({
        entries: [],
        incomplete: expect.stringContaining('too large to list whole'),
      });
      world.sim.core.limits.recursiveTreeEntries = 100_000;
      // The first listing is not counted: a tree GitHub lists whole needs nothing more.
      const first = await readBaseTree(octokit, task, { requests: 0, entries: 1000 });
      expect(sorted(first.entries)).toEqual(sorted(whole.entries));
    } finally {
      world.sim.core.limits.recursiveTreeEntries = 100_000;
    }
  });
});
