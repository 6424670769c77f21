// Per-user monthly budgets (`budget.per-user-monthly-usd`): a requester whose tasks this month
// cost the budget is refused with a reply that says what is left and when it resets; a task
// approved after the requester's budget ran out is stopped at dispatch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetResetsAt } from '../../src/core/budget/decide-budget.ts';
import { recordFinishedTask } from '../support/finished-task.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

let stack: Stack;

/** Records that `login` already spent `usd` this month in the repository (a finished task's report). */
async function spent(login: string, usd: number) {
  await recordFinishedTask(stack, login, usd);
}

async function botReplies(issue: number): Promise<string[]> {
  const comments = await stack
    .as('alice')
    .issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue });
  return comments.data.filter((c) => c.user?.type === 'Bot').map((c) => c.body ?? '');
}

beforeAll(async () => {
  stack = await startStack({
    agentConfig: { ...COMMAND_CONFIG, budget: { 'per-user-monthly-usd': 1 } },
    users: { rita: 'read', maria: 'maintain' },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('per-user monthly budgets', () => {
  it('refuses a request once the requester’s budget is spent, saying what is left and when it resets', async () => {
    await spent('alice', 1.25);
    const issue = await stack.issue('Over my budget');
    await stack.comment(issue, 'alice', '/agent add a test');
    const reply = await stack.waitFor(
      async () => (await botReplies(issue)).find((body) => body.includes('budget')),
      'the budget reply',
    );
    const resets = budgetResetsAt(new Date())
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    expect(reply).toContain(
      "@alice's agent budget in this repository for the month is spent: $1.25 of $1.00",
    );
    expect(reply).toContain(`$0.00 is left until it resets at ${resets}`);
    expect((await stack.tasks()).filter((t) => t.issueNumber === issue)).toEqual([]);
  });

  it('stops at dispatch a task approved after its requester’s budget ran out', async () => {
    const issue = await stack.issue('Docs');
    await stack.comment(issue, 'rita', '/agent write docs');
    const waiting = await stack.waitForTask((t) => t.issueNumber === issue, 'rita’s task');
    expect(waiting.state).toBe('awaiting_approval');
    await spent('rita', 3);
    await stack.comment(issue, 'maria', `/agent approve ${waiting.id}`);
    const done = await stack.waitForTask(
      (t) => t.id === waiting.id && t.state === 'failed',
      'the task to fail',
    );
    expect(done.errorCode).toBe('budget_exhausted');
    expect(done.errorMessage).toContain(
      "@rita's agent budget in this repository for the month is spent: $3.00 of $1.00",
    );
    expect(done.workflowRunId).toBeNull();
  });
});
