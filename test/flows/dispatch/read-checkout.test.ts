// The dispatch's two reads, side by side against the simulator (real git): the branch's head and
// the root listing that finds the instructions file — and what happens when the branch moves
// between the two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.ts';
import type { Task } from '../../../src/core/task/task.ts';
import { readCheckout } from '../../../src/flows/dispatch/build-spec.ts';
import type { Octokit } from '../../../src/github/octokit.ts';
import { createWorld, type World } from '../../sim/tests/support/world.ts';

let world: World;
let octokit: Octokit;
const task = { repoOwner: 'acme', repoName: 'widgets', baseSha: null } as Task;
const onMain = { branch: 'main', defaultBranch: 'main' };

beforeAll(async () => {
  world = await createWorld({}, { 'README.md': '# widgets\n', 'AGENTS.md': 'version 1\n' });
  octokit = world.installationOctokit() as unknown as Octokit;
});
afterAll(async () => {
  await world.close();
});

const push = (content: string, branch = 'main') =>
  world.sim.push({ repo: 'acme/widgets', branch, user: 'maria', files: { 'AGENTS.md': content } });

describe('readCheckout', () => {
  it("reads the head and the instructions at once, from the head's own tree", async () => {
    const from = world.sim.core.requests.records.length;
    const read = await readCheckout(octokit, task, onMain);
    expect(read.checkout.sha).toBe(await world.sim.git.resolve('acme/widgets', 'main'));
    expect(read.instructions).toEqual({ path: 'AGENTS.md', content: 'version 1\n' });
    const routes = world.sim.core.requests.records
      .slice(from)
      .filter((r) => r.principal?.kind === 'installation')
      .map((r) => r.route);
    expect(routes.sort()).toEqual(
      [
        '/repos/{owner}/{repo}/branches/{branch}',
        '/repos/{owner}/{repo}/git/blobs/{file_sha}',
        '/repos/{owner}/{repo}/git/trees/{tree_sha}',
      ].sort(),
    );
  });

  it('reads the listing again when the branch moved between the two reads', async () => {
    // The head's read is held until the listing (by the branch's name) has been answered and a
    // push has moved the branch.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated = world.installationOctokit();
    gated.hook.wrap('request', async (request, options) => {
      if (String(options.url).includes('/branches/')) await held;
      return request(options);
    });
    const from = world.sim.core.requests.records.length;
    const reading = readCheckout(gated as unknown as Octokit, task, onMain);
    while (
      !world.sim.core.requests.records.slice(from).some((r) => r.route?.endsWith('/git/blobs/{file_sha}'))
    )
      await new Promise((resolve) => setTimeout(resolve, 10));
    await push('version 2\n');
    release();
    const read = await reading;
    // The commit the job starts from and the instructions of that very commit.
    expect(read.checkout.sha).toBe(await world.sim.git.resolve('acme/widgets', 'main'));
    expect(read.instructions).toEqual({ path: 'AGENTS.md', content: 'version 2\n' });
    const trees = world.sim.core.requests.records
      .slice(from)
      .filter((r) => r.route?.endsWith('/git/trees/{tree_sha}'));
    expect(trees).toHaveLength(2);
  });

  it('takes the instructions from the default branch for a follow-up on another branch', async () => {
    await push('on the branch\n', 'agent/follow-up');
    const read = await readCheckout(octokit, task, { branch: 'agent/follow-up', defaultBranch: 'main' });
    expect(read.checkout.sha).toBe(await world.sim.git.resolve('acme/widgets', 'agent/follow-up'));
    expect(read.instructions?.content).toBe('version 2\n');
  });

  it('says the branch is missing, whatever the listing answered', async () => {
    const missing = readCheckout(octokit, task, { branch: 'gone', defaultBranch: 'gone' });
    await expect(missing).rejects.toBeInstanceOf(AppError);
    await expect(missing).rejects.toMatchObject({ code: 'branch_missing' });
  });
});
