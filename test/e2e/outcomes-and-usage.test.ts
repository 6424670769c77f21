// What became of the agent's pull requests and what they cost, as the API reports it: one merged
// (through the simulator's merge), one closed unmerged; usage rolled up from what the jobs reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const AGENT = `#!/usr/bin/env bash
echo "change $RANDOM" > "change-$AGENT_TASK_ID.txt"
printf '{"turns":3,"inputTokens":1000,"outputTokens":200,"costUsd":0.5}' > "$AGENT_USAGE_FILE"
`;

let stack: Stack;
let token: string;

async function api(path: string) {
  const response = await fetch(`${stack.app.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { rows: Record<string, unknown>[] };
}

async function publishedTask(title: string) {
  const issue = await stack.issue(title);
  await stack.comment(issue, 'alice', '/agent make a change');
  return stack.waitForTask(
    (t) => t.issueNumber === issue && t.state === 'succeeded',
    `${title} to publish`,
    60_000,
  );
}

beforeAll(async () => {
  stack = await startStack({
    agentConfig: COMMAND_CONFIG,
    files: { 'agent.sh': AGENT },
    users: { maria: 'maintain' },
  });
  token = stack.sim.appUserToken('maria', 'agent-dispatch');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('outcomes and usage', () => {
  it('records merged and closed agent pull requests, and reports merge rate and cost per merged pull request', async () => {
    const merged = await publishedTask('First');
    const closed = await publishedTask('Second');
    await stack.sim.submitReview({
      repo: stack.repo.fullName,
      pull: merged.prNumber!,
      user: 'maria',
      state: 'APPROVED',
    });
    await stack.sim.mergePullRequest({ repo: stack.repo.fullName, number: merged.prNumber!, user: 'maria' });
    await stack.sim.updatePullRequest({
      repo: stack.repo.fullName,
      number: closed.prNumber!,
      user: 'maria',
      state: 'closed',
    });
    await stack.settle();
    const rows = await stack.app.pool.query(
      'SELECT pr_number, state, review_state, merged_at IS NOT NULL AS merged FROM pr_outcomes ORDER BY pr_number',
    );
    expect(rows.rows).toEqual([
      { pr_number: merged.prNumber, state: 'merged', review_state: 'approved', merged: true },
      { pr_number: closed.prNumber, state: 'closed', review_state: null, merged: false },
    ]);
    const outcomes = await api('/outcomes?groupBy=engine');
    expect(outcomes.rows).toEqual([
      expect.objectContaining({
        key: 'command',
        pullRequests: 2,
        merged: 1,
        closedUnmerged: 1,
        mergeRate: 0.5,
        costUsd: 1,
        costPerMergedUsd: 1,
      }),
    ]);
    const byRepo = await api('/outcomes?groupBy=repository');
    expect(byRepo.rows[0]).toMatchObject({ key: 'acme/widgets', merged: 1 });
  }, 120_000);

  it('rolls usage up per user, engine, repository and day', async () => {
    const byUser = await api('/usage?groupBy=user');
    expect(byUser.rows).toEqual([
      { key: 'alice', tasks: 2, attempts: 2, costUsd: 1, inputTokens: 2000, outputTokens: 400, turns: 6 },
    ]);
    const byDay = await api('/usage?groupBy=day');
    expect(byDay.rows).toEqual([
      expect.objectContaining({ key: new Date().toISOString().slice(0, 10), costUsd: 1 }),
    ]);
    expect((await api('/usage?groupBy=engine')).rows[0]).toMatchObject({ key: 'command', tasks: 2 });
  });
});
