// Catch-up after downtime, with the App as an operator runs it: the only replica is stopped
// across two or more slots of an every-minute schedule and started again. It fires exactly one
// catch-up run — the latest slot passed, recorded with the slots it passed over and shown so in
// the report issue — and nothing for the older slots. Waits out real minutes (croner has no finer
// five-field unit).
import { Octokit } from '@octokit/rest';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testPool } from '../support/database.ts';
import { type ProcessStack, startProcessStack } from './support/process-stack.ts';

type RunRow = { slot_at: Date; outcome: string; missed: number; task_id: string | null };

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a schedule after downtime', () => {
  let db: TestDatabase;
  let stack: ProcessStack;
  let sql: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    sql = testPool(db.url);
    stack = await startProcessStack({
      databaseUrl: db.url,
      repos: 1,
      agentScript: 'echo "hello from the schedule" > hello.txt\n',
      // Installed once a replica runs, so the installation event reaches it (not the redelivery
      // reconciler, later).
      deferInstall: true,
      agentConfig: {
        engine: 'command',
        command: 'bash ./agent.sh',
        schedules: [
          { name: 'hello', cron: '* * * * *', prompt: 'say hello', 'run-as': 'alice', 'report-issue': true },
        ],
      },
    });
  }, 90_000);
  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await db?.drop();
  });

  const runs = async () =>
    (await sql.query<RunRow>('SELECT slot_at, outcome, missed, task_id FROM schedule_runs ORDER BY slot_at'))
      .rows;

  async function until<T>(probe: () => Promise<T | undefined>, what: string, ms: number): Promise<T> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(500);
    }
    throw new Error(`timed out waiting for ${what}; runs: ${JSON.stringify(await runs())}`);
  }

  it('fires one catch-up run for the slots it missed, none for the older ones', async () => {
    const first = await stack.startReplica();
    await stack.install();
    await until(
      async () => ((await sql.query('SELECT 1 FROM schedules')).rowCount ? true : undefined),
      'the schedule to be learned on install',
      30_000,
    );
    // Down: the only replica stops, as at a deploy that takes a while.
    stack.detach(first);
    first.child.kill('SIGTERM');
    await first.exited;
    const stoppedAt = Date.now();
    const before = await runs();
    // Two slots and their jitter (at most a tenth of the minute) pass while nothing runs.
    const twoSlotsLater = Math.ceil(stoppedAt / MINUTE) * MINUTE + MINUTE + 10_000;
    await sleep(twoSlotsLater - Date.now());
    expect(await runs()).toEqual(before);
    const restartedAt = Date.now();
    await stack.startReplica();

    // The first run decided after the start is the catch-up: the latest slot passed (the start
    // itself may wait for the next minute's tick), with every slot since the stop passed over.
    const caughtUp = await until(
      async () => (await runs()).find((r) => r.slot_at.getTime() > stoppedAt && r.outcome !== 'pending'),
      'the catch-up run to be decided',
      90_000,
    );
    const passed: number[] = [];
    for (
      let slot = Math.ceil(stoppedAt / MINUTE) * MINUTE;
      slot <= caughtUp.slot_at.getTime();
      slot += MINUTE
    )
      passed.push(slot);
    expect(passed.filter((slot) => slot < restartedAt).length).toBeGreaterThanOrEqual(2);
    expect(caughtUp.outcome).toBe('started');
    expect(caughtUp.missed).toBe(passed.length - 1);
    // Nothing for the older slots: not fired, not skipped, not pending.
    const inDowntime = (await runs()).filter(
      (r) => r.slot_at.getTime() > stoppedAt && r.slot_at.getTime() <= caughtUp.slot_at.getTime(),
    );
    expect(inDowntime.map((r) => r.slot_at.getTime())).toEqual([caughtUp.slot_at.getTime()]);
    const task = await until(
      async () => {
        const { rows } = await sql.query('SELECT trigger, state FROM tasks WHERE id = $1', [
          Number(caughtUp.task_id),
        ]);
        return rows[0]?.state === 'succeeded' ? rows[0] : undefined;
      },
      'the catch-up task to succeed',
      120_000,
    );
    expect(task.trigger).toBe('schedule');

    // Recorded as a catch-up where people look: the report issue.
    const repo = stack.repos[0]!;
    const alice = new Octokit({ baseUrl: stack.sim.apiUrl, auth: stack.sim.userToken('alice') });
    const expected = `(caught up; ${caughtUp.missed} earlier slot${caughtUp.missed === 1 ? '' : 's'} passed over)`;
    await until(
      async () => {
        const { rows } = await sql.query('SELECT report_issue FROM schedules');
        const number = rows[0]?.report_issue as number | null;
        if (!number) return undefined;
        const { data } = await alice.issues.get({ owner: repo.owner, repo: repo.name, issue_number: number });
        return data.body?.includes(expected) ? true : undefined;
      },
      `the report issue to say ${expected}`,
      30_000,
    );
  }, 400_000);
});
