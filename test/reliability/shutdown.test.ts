// SIGTERM while a pull request is being opened: the App process exits 0 within its shutdown
// time, the unfinished publish goes back to the queue, and the next process completes it —
// one branch, one pull request with its labels, no half-made pull request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database.ts';
import { type ProcessStack, startProcessStack } from './support/process-stack.ts';

const PULLS = '/repos/{owner}/{repo}/pulls';

describe('graceful shutdown during a publish', () => {
  let db: TestDatabase;
  let stack: ProcessStack;
  beforeAll(async () => {
    db = await createTestDatabase();
    stack = await startProcessStack({
      databaseUrl: db.url,
      repos: 1,
      agentScript: 'echo "hello from the agent" > hello.txt\n',
      // In-flight jobs get one second after SIGTERM, less than GitHub takes to open the PR here.
      appEnv: { SHUTDOWN_TIMEOUT_MS: '1000' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
  });

  async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, ms = 60_000) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('leaves no half-made pull request: the next process finishes the publish', async () => {
    const first = await stack.startReplica();
    const repo = stack.repos[0]!;
    const slowPull = stack.sim.faults.inject({
      method: 'POST',
      route: PULLS,
      kind: { type: 'latency', ms: 4_000 },
      count: 1,
    });
    const issue = await stack.sim.createIssue({ repo: repo.fullName, user: 'alice', title: 'Say hello' });
    await stack.sim.createComment({
      repo: repo.fullName,
      issue: issue.number,
      user: 'alice',
      body: '/agent hello',
    });

    // The branch exists and GitHub is busy opening the pull request: stop the App now.
    await until(() => (slowPull.hits() === 1 ? true : undefined), 'the pull request to be requested');
    stack.detach(first);
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.output()).not.toMatch(/shutdown took too long/);
    // It did not wait for GitHub: the publish job went back to the queue — released by the
    // worker, or failed by the abort of GitHub requests; both fire at SHUTDOWN_TIMEOUT_MS, in an
    // order a busy machine decides, and either puts the job back for the next process.
    expect(first.output()).toMatch(/released at shutdown|job failed; the queue runs it again/);

    // GitHub finishes what it was asked (the pull request exists); the App never heard back.
    await until(
      () => (stack.sim.requests.some((r) => r.method === 'POST' && r.route === PULLS) ? true : undefined),
      'GitHub to open the pull request',
    );
    const sql = testPool(db.url);
    try {
      const before = await sql.query(`SELECT state FROM tasks`);
      expect(before.rows).toEqual([{ state: 'publishing' }]);

      await stack.startReplica();
      const done = await until(async () => {
        const rows = await sql.query(`SELECT state, pr_number, branch FROM tasks`);
        const row = rows.rows[0];
        return row && row.state !== 'publishing' ? row : undefined;
      }, 'the next process to finish the publish');
      expect(done.state).toBe('succeeded');

      const token = stack.sim.userToken('alice');
      const pulls = (await (
        await fetch(`${stack.sim.apiUrl}/repos/${repo.fullName}/pulls?state=all`, {
          headers: { authorization: `token ${token}` },
        })
      ).json()) as Array<{ number: number; head: { ref: string }; labels: Array<{ name: string }> }>;
      expect(pulls).toHaveLength(1);
      expect(pulls[0]).toMatchObject({ number: done.pr_number, head: { ref: done.branch } });
      expect(pulls[0]!.labels.map((l) => l.name)).toEqual(['agent']);
      const branches = await stack.sim.git.run(repo.fullName, ['branch', '--list', 'agent/*']);
      expect(branches.trim().split('\n')).toHaveLength(1);
      const creations = stack.sim.requests.filter((r) => r.method === 'POST' && r.route === PULLS);
      expect(creations.map((r) => r.status)).toEqual([201]);
    } finally {
      await sql.end();
    }
  }, 120_000);
});
