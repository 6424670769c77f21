// A schedule of `.github/agent.yml` with three App replicas on one Postgres, each running the
// queue's cron tick: every slot is decided once (one task or one recorded skip), a slot that comes
// while the previous run is still going is skipped with that reason, and once `run-as` may no
// longer run tasks the schedule skips instead of firing. The cron is every minute (croner has no
// finer five-field unit), so this test takes a few minutes of wall time.
import { Octokit } from '@octokit/rest';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database.ts';
import { type ProcessStack, startProcessStack } from './support/process-stack.ts';

// Long enough that the next minute's slot finds it still running.
const AGENT_SCRIPT = 'sleep 75\necho "hello from the schedule" > hello.txt\n';

type RunRow = { slot_at: Date; outcome: string; reason: string | null; task_id: string | null };

describe('a schedule with three replicas', () => {
  let db: TestDatabase;
  let stack: ProcessStack;
  let sql: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    sql = testPool(db.url);
    stack = await startProcessStack({
      databaseUrl: db.url,
      repos: 1,
      agentScript: AGENT_SCRIPT,
      deferInstall: true,
      agentConfig: {
        engine: 'command',
        command: 'bash ./agent.sh',
        schedules: [
          { name: 'hello', cron: '* * * * *', prompt: 'say hello', 'run-as': 'alice', 'report-issue': true },
        ],
      },
    });
    await stack.startReplica();
    await Promise.all([stack.startReplica(), stack.startReplica()]);
    await stack.install();
  }, 90_000);
  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await db?.drop();
  });

  async function runs(): Promise<RunRow[]> {
    return (
      await sql.query<RunRow>(
        `SELECT slot_at, outcome, reason, task_id FROM schedule_runs WHERE outcome <> 'pending' ORDER BY slot_at`,
      )
    ).rows;
  }

  async function until<T>(probe: () => Promise<T | undefined>, what: string, ms: number): Promise<T> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`timed out waiting for ${what}; runs: ${JSON.stringify(await runs())}`);
  }

  it('learns the schedule on install and decides each slot once', async () => {
    const learned = await until(
      async () => {
        const { rows } = await sql.query('SELECT name, active FROM schedules');
        return rows.length > 0 ? rows : undefined;
      },
      'the schedule to be learned',
      30_000,
    );
    expect(learned).toEqual([{ name: 'hello', active: true }]);

    // The first slot starts a task; the next comes while it sleeps and is skipped.
    const decided = await until(
      async () => {
        const rows = await runs();
        return rows.length >= 2 ? rows : undefined;
      },
      'two decided slots',
      200_000,
    );
    expect(decided[0]).toMatchObject({ outcome: 'started' });
    expect(decided[1]).toMatchObject({ outcome: 'skipped', reason: 'previous_run_live' });

    // run-as loses write access: the slots after the running task ends are skipped for that.
    stack.sim.setPermission(stack.repos[0]!.fullName, 'alice', 'read');
    const firstTask = Number(decided[0]!.task_id);
    await until(
      async () => {
        const { rows } = await sql.query('SELECT state FROM tasks WHERE id = $1', [firstTask]);
        return rows[0]?.state === 'succeeded' ? true : undefined;
      },
      'the scheduled task to succeed',
      150_000,
    );
    const denied = await until(
      async () => (await runs()).find((r) => r.reason === 'run_as_denied'),
      'a slot skipped for run-as',
      150_000,
    );
    expect(denied.outcome).toBe('skipped');

    const all = await runs();
    const tasks = (
      await sql.query<{ id: string; trigger: string; comment_id: string | null; schedule_id: string }>(
        'SELECT id, trigger, comment_id, schedule_id FROM tasks ORDER BY id',
      )
    ).rows;
    // One task per started slot, and no other: three ticking replicas never fired a slot twice.
    expect(tasks.map((t) => Number(t.id))).toEqual(
      all.filter((r) => r.outcome === 'started').map((r) => Number(r.task_id)),
    );
    expect(tasks.every((t) => t.trigger === 'schedule' && t.comment_id === null)).toBe(true);
    // The slots are distinct minutes, each once.
    const slots = all.map((r) => r.slot_at.getTime());
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.every((s) => s % 60_000 === 0)).toBe(true);
    const workflowRuns = stack.sim.runs(stack.repos[0]!.fullName);
    expect(workflowRuns.length).toBe(tasks.length);
    // One report issue, edited in place: it shows the skips and the task.
    const repo = stack.repos[0]!;
    const alice = new Octokit({ baseUrl: stack.sim.apiUrl, auth: stack.sim.userToken('alice') });
    const report = await until(
      async () => {
        const { rows } = await sql.query('SELECT report_issue FROM schedules');
        const number = rows[0]?.report_issue as number | null;
        if (!number) return undefined;
        const { data } = await alice.issues.get({ owner: repo.owner, repo: repo.name, issue_number: number });
        return data.body?.includes('run_as_denied') ? data : undefined;
      },
      'the report issue to show the run-as skip',
      30_000,
    );
    expect(report.title).toBe('Agent schedule: hello');
    expect(report.body).toContain('previous_run_live');
    expect(report.body).toContain(`task ${firstTask}: succeeded`);
    // Made once: of every issue and pull request of the repository, one is the report.
    const titles: string[] = [];
    for (let n = 1; ; n++) {
      const found = await alice.issues.get({ owner: repo.owner, repo: repo.name, issue_number: n }).then(
        (r) => r.data.title,
        (error: { status?: number }) => (error.status === 404 ? null : Promise.reject(error)),
      );
      if (found === null) break;
      titles.push(found);
    }
    expect(titles.filter((t) => t === 'Agent schedule: hello')).toHaveLength(1);
    const prs = (
      await sql.query('SELECT pr_number FROM tasks WHERE id = $1 AND pr_number IS NOT NULL', [firstTask])
    ).rows;
    expect(prs).toHaveLength(1);
  }, 560_000);
});
