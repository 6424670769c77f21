// Helpers of the hostile-input suite: what the system made on GitHub, so a test can assert that
// nothing was published or executed beyond a refusal.
import { expect } from 'vitest';
import { runTitle } from '../../src/contract/run-title.ts';
import type { Task } from '../../src/core/task/task.ts';
import type { Stack } from '../support/stack.ts';

export const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];
export const REPO = 'acme/widgets';
const TARGET = { owner: 'acme', repo: 'widgets' };

export type Footprint = {
  runs: number;
  pulls: number;
  branches: string[];
  botComments: number;
  tasks: number;
  deliveries: number;
};

/** Everything the App could have made: runs, pull requests, branches, its comments, tasks. */
export async function footprint(stack: Stack): Promise<Footprint> {
  const pulls = await stack.as('alice').paginate(stack.as('alice').pulls.list, { ...TARGET, state: 'all' });
  const branches = (
    await stack.sim.git.run(REPO, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])
  )
    .split('\n')
    .filter(Boolean)
    .sort();
  const deliveries = await stack.app.pool.query('SELECT count(*)::int AS n FROM webhook_deliveries');
  return {
    runs: stack.sim.runs(REPO).length,
    pulls: pulls.length,
    branches,
    botComments: [...stack.sim.core.store.comments.values()].filter(
      (c) => stack.sim.core.store.accounts.get(c.userId)?.login === 'agent-dispatch[bot]',
    ).length,
    tasks: (await stack.tasks()).length,
    deliveries: deliveries.rows[0].n,
  };
}

/** The App's comments on an issue, oldest first. */
export async function botComments(stack: Stack, issue: number): Promise<string[]> {
  const all = await stack.as('alice').paginate(stack.as('alice').issues.listComments, {
    ...TARGET,
    issue_number: issue,
  });
  return all.filter((c) => c.user?.login === 'agent-dispatch[bot]').map((c) => c.body ?? '');
}

/** Replies other than the sticky status comments. */
export async function replies(stack: Stack, issue: number): Promise<string[]> {
  return (await botComments(stack, issue)).filter((b) => !b.includes('agent-dispatch:task='));
}

export function runsOf(stack: Stack, task: Pick<Task, 'id'>) {
  return stack.sim.runs(REPO).filter((r) => r.displayTitle === runTitle(task.id));
}

export async function taskOn(stack: Stack, issue: number): Promise<Task> {
  return stack.waitForTask((t) => t.issueNumber === issue, `a task on #${issue}`);
}

export async function ended(stack: Stack, id: number, timeoutMs = 60_000): Promise<Task> {
  return stack.waitForTask((t) => t.id === id && TERMINAL.includes(t.state), `task ${id} to end`, timeoutMs);
}

/** Nothing new on GitHub but what `allowed` names. */
export function expectOnly(before: Footprint, after: Footprint, allowed: Partial<Footprint> = {}): void {
  expect(after).toEqual({ ...before, deliveries: after.deliveries, ...allowed });
}
