// Hostile timing: `/agent cancel` while the task is publishing. The cancel waits for a publish in
// flight (it ends published, and the reply says where), and a publish interrupted half-way is
// cancelled with what it had already made recorded on the task: no open pull request or branch
// of the App's is ever left that no task records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/task/task.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { ended, REPO, replies, taskOn } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
echo "change" > changed.txt
`;
const PULLS = '/repos/{owner}/{repo}/pulls';
const LABELS = '/repos/{owner}/{repo}/issues/{issue_number}/labels';

describe('cancel while publishing', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** Every open pull request of the App's is recorded on a task. */
  async function expectEveryPullRecorded() {
    const open = await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'open' });
    const recorded = new Set((await stack.tasks()).map((t) => t.prNumber));
    expect(open.data.filter((pr) => !recorded.has(pr.number)).map((pr) => pr.number)).toEqual([]);
    const branches = (
      await stack.sim.git.run(REPO, ['for-each-ref', '--format=%(refname:short)', 'refs/heads'])
    )
      .split('\n')
      .filter((b) => b.startsWith('agent/'));
    const known = new Set((await stack.tasks()).map((t) => t.branch));
    expect(branches.filter((b) => !known.has(b))).toEqual([]);
  }

  async function publishing(title: string, fault: Parameters<Stack['sim']['faults']['inject']>[0]) {
    const handle = stack.sim.faults.inject(fault);
    const issue = await stack.issue(title);
    await stack.comment(issue, 'alice', '/agent change a file');
    const task = await taskOn(stack, issue);
    await stack.waitFor(async () => (handle.hits() > 0 ? true : undefined), 'the publish to reach the fault');
    return { issue, task, handle };
  }

  it('waits for a publish in flight, then says where the change was published', async () => {
    const { issue, task } = await publishing('Cancel during the pull request', {
      method: 'POST',
      route: PULLS,
      kind: { type: 'latency', ms: 3_000 },
      count: 1,
    });
    await stack.comment(issue, 'alice', `/agent cancel ${task.id}`);
    const done = await ended(stack, task.id);
    await stack.settle();
    expect(done.state).toBe('succeeded');
    expect(done.prUrl).not.toBeNull();
    expect((await replies(stack, issue)).join('\n')).toContain(
      `published before the cancel took effect, in ${done.prUrl}`,
    );
    await expectEveryPullRecorded();
  }, 90_000);

  it.each([
    ['after the branch, before the pull request', PULLS, false],
    ['after the pull request, before its labels', LABELS, true],
  ])(
    'cancels a publish interrupted %s, recording what it made',
    async (_when, route, madePull) => {
      const { issue, task, handle } = await publishing(`Interrupted ${route}`, {
        method: 'POST',
        route,
        kind: { type: 'status', status: 500 },
      });
      // The publish job failed and waits for its retry: cancel now.
      await stack.waitFor(async () => {
        const jobs = await stack.app.pool.query(
          'SELECT 1 FROM graphile_worker.jobs WHERE key = $1 AND attempts >= 1 AND locked_at IS NULL',
          [`publish:${task.id}:1`],
        );
        return jobs.rowCount ? true : undefined;
      }, 'the publish to fail once');
      await stack.comment(issue, 'alice', `/agent cancel ${task.id}`);
      const done: Task = await ended(stack, task.id);
      handle.remove();
      await stack.settle();
      expect(done.state).toBe('cancelled');
      expect(done.commitSha).not.toBeNull();
      if (madePull) {
        expect(done.prNumber).not.toBeNull();
        expect(done.errorMessage).toContain(`${done.prUrl} had already been opened`);
      } else {
        expect(done.prNumber).toBeNull();
        expect(done.errorMessage).toContain('Its branch had already been made');
      }
      // The publish job, run again, found the task cancelled and made nothing more.
      expect((await stack.tasks()).find((t) => t.id === task.id)?.state).toBe('cancelled');
      await expectEveryPullRecorded();
    },
    120_000,
  );
});
