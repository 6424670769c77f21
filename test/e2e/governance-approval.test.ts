// Outside contributors end to end: a request from someone below the repository's bar waits for a
// maintainer's `/agent approve` before anything is dispatched; the requester cannot approve it;
// `/agent reject` ends it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import type { Task } from '../../src/core/task/task.ts';
import { COMMAND_CONFIG, runEventsInOrder, type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
echo "hello from the agent" > hello.txt
`;
const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

describe('requests from outside contributors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      users: { outsider: 'read', triager: 'triage', maria: 'maintain' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function botComments(issue: number) {
    const all = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return all.filter((c) => c.user?.login === 'agent-dispatch[bot]').map((c) => c.body ?? '');
  }

  async function request(user: string, title: string): Promise<{ issue: number; task: Task }> {
    const issue = await stack.issue(title, '', user);
    await stack.comment(issue, user, '/agent add a hello.txt file');
    const task = await stack.waitForTask((t) => t.issueNumber === issue, `a task on #${issue}`);
    await stack.settle();
    return { issue, task: (await stack.tasks()).find((t) => t.id === task.id)! };
  }

  function runsOf(task: Task) {
    return stack.sim.runs('acme/widgets').filter((r) => r.displayTitle === `agent task ${task.id}`);
  }

  it('holds a read-only user’s request in awaiting_approval and dispatches nothing', async () => {
    const { issue, task } = await request('outsider', 'From an outsider');
    expect(task.state).toBe('awaiting_approval');
    expect(runsOf(task)).toEqual([]);
    const status = (await botComments(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
    expect(status).toContain('Waiting for a maintainer to approve');
    expect(status).toContain(`/agent approve ${task.id}`);
  }, 60_000);

  it('refuses the requester approving their own task, and a triage user approving it', async () => {
    const { issue, task } = await request('outsider', 'Self approval');
    await stack.comment(issue, 'outsider', `/agent approve ${task.id}`);
    await stack.comment(issue, 'triager', `/agent approve ${task.id}`);
    await stack.settle();
    const replies = await botComments(issue);
    expect(replies.some((b) => b.includes('you cannot approve your own request'))).toBe(true);
    expect(
      replies.some((b) => b.includes('approving tasks here needs write access or higher (you have triage)')),
    ).toBe(true);
    expect((await stack.tasks()).find((t) => t.id === task.id)?.state).toBe('awaiting_approval');
    expect(runsOf(task)).toEqual([]);
  }, 60_000);

  it('dispatches and runs the task once someone with write access approves it', async () => {
    const { issue, task } = await request('outsider', 'Approved');
    await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
    const done = await stack.waitForTask(
      (t) => t.id === task.id && TERMINAL.includes(t.state),
      'the task to end',
      60_000,
    );
    await stack.settle();
    expect(done.state).toBe('succeeded');
    expect(done.approvedBy).toBe('maria');
    expect(runsOf(task)).toHaveLength(1);
    expect(runEventsInOrder(await stack.events(task.id))).toEqual([
      'created',
      'approve',
      'dispatch',
      'run_created',
      'run_started',
      'result_received',
      'published',
    ]);
  }, 90_000);

  it('ends the task rejected with the reason when a maintainer rejects it', async () => {
    const { issue, task } = await request('outsider', 'Rejected');
    await stack.comment(issue, 'maria', `/agent reject ${task.id} out of scope`);
    const done = await stack.waitForTask((t) => t.id === task.id && t.state === 'rejected', 'the rejection');
    await stack.settle();
    expect(done.errorMessage).toBe('Rejected by @maria: out of scope');
    expect(runsOf(task)).toEqual([]);
    const status = (await botComments(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
    expect(status).toContain('Rejected by @maria: out of scope');
  }, 60_000);

  it('does not let a writer approve their own request when the bar is higher than write', async () => {
    await stack.sim.push({
      repo: 'acme/widgets',
      branch: 'main',
      user: 'alice',
      files: {
        '.github/agent.yml': stringifyYaml({ ...COMMAND_CONFIG, trigger: { 'min-permission': 'admin' } }),
      },
    });
    const { issue, task } = await request('alice', 'Writer below the bar');
    expect(task.state).toBe('awaiting_approval');
    await stack.comment(issue, 'alice', `/agent approve ${task.id}`);
    await stack.settle();
    expect((await botComments(issue)).some((b) => b.includes('you cannot approve your own request'))).toBe(
      true,
    );
    expect((await stack.tasks()).find((t) => t.id === task.id)?.state).toBe('awaiting_approval');
    expect(runsOf(task)).toEqual([]);
  }, 60_000);
});
