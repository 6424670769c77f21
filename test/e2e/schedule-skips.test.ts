// A schedule's slot is skipped, with its reason recorded and shown, when the repository's monthly
// budget is spent (`budget.monthly-usd`) and when `run-as` reached the per-user hourly limit
// (`rate-limit.per-user-per-hour`): no task, no workflow run; `/agent schedules` and the report
// issue say why. The cron is every minute, so each skip waits for the next slot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFinishedTask } from '../support/finished-task.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const CONFIG = {
  ...COMMAND_CONFIG,
  budget: { 'monthly-usd': 1 },
  'rate-limit': { 'per-user-per-hour': 1 },
  schedules: [
    { name: 'hello', cron: '* * * * *', prompt: 'say hello', 'run-as': 'alice', 'report-issue': true },
  ],
};

type RunRow = {
  slot_at: Date;
  outcome: string;
  reason: string | null;
  detail: string | null;
  task_id: string | null;
};

describe('a schedule over its budget or its run-as limit', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': 'echo hello > hello.txt\n' },
      agentConfig: CONFIG,
      users: { rita: 'write' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const decided = async () =>
    (
      await stack.app.pool.query<RunRow>(
        `SELECT slot_at, outcome, reason, detail, task_id FROM schedule_runs
          WHERE outcome <> 'pending' ORDER BY slot_at`,
      )
    ).rows;

  async function scheduleReply(issue: number): Promise<string> {
    const before = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data.length;
    await stack.comment(issue, 'alice', '/agent schedules');
    return stack.waitFor(async () => {
      const all = (
        await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
      ).data;
      const reply = all.slice(before).find((c) => c.user?.type === 'Bot');
      return reply?.body ?? undefined;
    }, 'the /agent schedules reply');
  }

  async function reportIssue(): Promise<string> {
    return stack.waitFor(async () => {
      const { rows } = await stack.app.pool.query('SELECT report_issue FROM schedules');
      const number = rows[0]?.report_issue as number | null;
      if (!number) return undefined;
      const { data } = await stack
        .as('alice')
        .issues.get({ owner: 'acme', repo: 'widgets', issue_number: number });
      return data.body ?? undefined;
    }, 'the report issue');
  }

  it('skips while the repository’s budget is spent, then while run-as is over the hourly limit', async () => {
    // Someone else's run spent the repository's budget: run-as's own budget is not the reason.
    const spender = await recordFinishedTask(stack, 'rita', 1.5);
    const overBudget = await stack.waitFor(
      async () => (await decided())[0],
      'the first slot to be decided',
      100_000,
    );
    expect(overBudget).toMatchObject({ outcome: 'skipped', reason: 'budget_exhausted', task_id: null });
    expect(overBudget.detail).toContain(
      "This repository's agent budget for the month is spent: $1.50 of $1.00",
    );
    const issue = await stack.issue('Schedules');
    const reply = await scheduleReply(issue);
    expect(reply).toContain('hello');
    expect(reply).toContain('skipped — `budget_exhausted`: This repository');
    expect(await reportIssue()).toContain('budget_exhausted');

    // The spend is gone (a new month, say); run-as already started a task this hour, the limit is one.
    await stack.app.pool.query('DELETE FROM task_results WHERE task_id = $1', [spender]);
    await recordFinishedTask(stack, 'alice', 0);
    const limited = await stack.waitFor(
      async () => (await decided()).find((r) => r.reason !== 'budget_exhausted'),
      'a slot decided after the budget was freed',
      100_000,
    );
    expect(limited).toMatchObject({ outcome: 'skipped', reason: 'rate_limited', task_id: null });
    expect(limited.detail).toBe('@alice reached the per-user limit of 1 tasks an hour');
    expect(await scheduleReply(issue)).toContain(
      'skipped — `rate_limited`: \\@\u200Balice reached the per-user limit of 1 tasks an hour',
    );
    await stack.waitFor(
      async () => ((await reportIssue()).includes('rate_limited') ? true : undefined),
      'the report issue to show the rate-limit skip',
    );

    // Neither skip started anything.
    const scheduled = await stack.app.pool.query("SELECT id FROM tasks WHERE trigger = 'schedule'");
    expect(scheduled.rows).toEqual([]);
    expect(stack.sim.runs('acme/widgets')).toEqual([]);
  }, 240_000);
});
