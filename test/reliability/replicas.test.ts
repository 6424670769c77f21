// Three App processes on one Postgres, webhooks and runner-API calls spread across them by a
// round-robin forwarder: the outcome is the one a single App gives — each command one task, one
// run, one pull request and one status comment.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database.ts';
import { type ProcessStack, startProcessStack } from './support/process-stack.ts';

const REPOS = 3;
const TASKS_PER_REPO = 2;

describe('three replicas', () => {
  let db: TestDatabase;
  let stack: ProcessStack;
  let sql: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    sql = testPool(db.url);
    stack = await startProcessStack({
      databaseUrl: db.url,
      repos: REPOS,
      agentScript: 'echo "hello from the agent" > hello.txt\n',
    });
    // The first replica migrates; the others then start together.
    await stack.startReplica();
    await Promise.all([stack.startReplica(), stack.startReplica()]);
  }, 90_000);
  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await db?.drop();
  });

  it('turn every command into exactly one task, run, pull request and status comment', async () => {
    const commands: Array<{ repo: string; issue: number; comment: number }> = [];
    await Promise.all(
      stack.repos.flatMap((repo) =>
        Array.from({ length: TASKS_PER_REPO }, async (_, i) => {
          const issue = await stack.sim.createIssue({
            repo: repo.fullName,
            user: 'alice',
            title: `Task ${i}`,
          });
          const { id } = await stack.sim.createComment({
            repo: repo.fullName,
            issue: issue.number,
            user: 'alice',
            body: '/agent say hello',
          });
          commands.push({ repo: repo.fullName, issue: issue.number, comment: id });
        }),
      ),
    );

    const deadline = Date.now() + 90_000;
    let tasks: Array<{ id: string; comment_id: string; state: string; pr_number: number | null }> = [];
    while (Date.now() < deadline) {
      tasks = (await sql.query('SELECT id, comment_id, state, pr_number FROM tasks ORDER BY id')).rows;
      if (tasks.length === commands.length && tasks.every((t) => t.state === 'succeeded')) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(tasks.map((t) => t.state)).toEqual(commands.map(() => 'succeeded'));
    expect(new Set(tasks.map((t) => Number(t.comment_id)))).toEqual(new Set(commands.map((c) => c.comment)));
    // The last status comment updates follow from the queue: wait until it is quiet.
    while (Date.now() < deadline) {
      await stack.sim.idle();
      const pending = await sql.query(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs
          WHERE run_at <= now() + interval '10 seconds' AND attempts < max_attempts
            AND task_identifier NOT IN ('sweep-tasks', 'redeliver-webhooks')`,
      );
      if (pending.rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const token = stack.sim.userToken('alice');
    const get = async <T>(url: string) =>
      (await (
        await fetch(`${stack.sim.apiUrl}${url}`, { headers: { authorization: `token ${token}` } })
      ).json()) as T;
    for (const repo of stack.repos) {
      const pulls = await get<Array<{ number: number }>>(`/repos/${repo.fullName}/pulls?state=all`);
      expect(pulls).toHaveLength(TASKS_PER_REPO);
      expect(stack.sim.runs(repo.fullName)).toHaveLength(TASKS_PER_REPO);
    }
    for (const command of commands) {
      const comments = await get<Array<{ body: string; user: { login: string } }>>(
        `/repos/${command.repo}/issues/${command.issue}/comments`,
      );
      const status = comments.filter((c) => c.user.login === 'agent-dispatch[bot]');
      expect(status).toHaveLength(1);
      expect(status[0]!.body).toContain('Pull request opened');
    }
    // Each replica has a live queue worker.
    const pools = await sql.query(
      `SELECT count(*)::int AS n FROM queue_workers WHERE seen_at > now() - interval '30 seconds'`,
    );
    expect(pools.rows[0].n).toBe(3);
    expect(stack.sim.unexpectedRequests()).toEqual([]);
    expect(stack.sim.metrics.secondaryLimitViolations).toBe(0);
  }, 120_000);
});
