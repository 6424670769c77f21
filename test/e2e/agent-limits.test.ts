// Limits and read-outs of the /agent loop: the per-repository concurrency cap (tasks wait in
// order, and say so), the per-user hourly limit, `/agent status`, and the check run on the PR.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

// Each task's engine waits until the test opens its gate (a file named after the issue).
const gates = mkdtempSync(path.join(tmpdir(), 'agent-gates-'));
// The engine runs as a user of its own (the simulated runner runs the action as root): it may look.
chmodSync(gates, 0o755);
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
issue=$(grep -o 'issue #[0-9]*' "$AGENT_PROMPT_FILE" | head -n 1 | tr -dc '0-9')
while [ ! -e "${gates}/open-$issue" ]; do sleep 0.1; done
echo "done for #$issue" > "done-$issue.txt"
`;

describe('limits and read-outs', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      agentConfig: { ...COMMAND_CONFIG, concurrency: 2, 'rate-limit': { 'per-user-per-hour': 4 } },
      users: { bob: 'write' },
    });
  }, 60_000);
  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      rmSync(gates, { recursive: true, force: true });
    }
  });

  const open = (issue: number) => writeFileSync(path.join(gates, `open-${issue}`), '');
  async function statusCommentOf(issue: number, taskId: number) {
    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return comments.find((c) => c.body?.includes(`agent-dispatch:task=${taskId}`))?.body ?? '';
  }

  it('runs two tasks at once, queues the third in order and says why it waits', async () => {
    const issues = [await stack.issue('One'), await stack.issue('Two'), await stack.issue('Three')];
    for (const issue of issues) await stack.comment(issue, 'alice', '/agent do the thing');
    // Deliveries are processed concurrently, so the order of the tasks is the order they were
    // recorded in (their ids): the two oldest run, the newest waits.
    const tasks = await stack.waitFor(
      async () => {
        const all = await stack.tasks();
        return all.filter((t) => t.state === 'running').length === 2 ? all : undefined;
      },
      'two tasks to run',
      60_000,
    );
    const [first, second, third] = tasks.sort((a, b) => a.id - b.id);
    expect([first!.state, second!.state, third!.state]).toEqual(['running', 'running', 'queued']);
    await stack.waitFor(
      async () =>
        (await statusCommentOf(third!.issueNumber!, third!.id)).includes('2 of 2 task slots')
          ? true
          : undefined,
      'the queued task to explain itself',
    );
    expect(await statusCommentOf(third!.issueNumber!, third!.id)).toContain('number 1 in line');

    open(first!.issueNumber!);
    const started = await stack.waitForTask(
      (t) => t.id === third!.id && t.state === 'running',
      'the third task to start',
      60_000,
    );
    const done = (await stack.tasks()).find((t) => t.id === first!.id)!;
    expect(['publishing', 'succeeded']).toContain(done.state);
    expect((await stack.tasks()).find((t) => t.id === second!.id)?.state).toBe('running');
    expect(started.dispatchedAt!.getTime()).toBeGreaterThan(first!.dispatchedAt!.getTime());

    open(second!.issueNumber!);
    open(third!.issueNumber!);
    for (const task of [first!, second!, third!]) {
      await stack.waitForTask(
        (t) => t.id === task.id && t.state === 'succeeded',
        `task ${task.id} to succeed`,
        60_000,
      );
    }
    await stack.settle();
  }, 180_000);

  it('holds back a user above the hourly limit and says until when', async () => {
    // alice started three tasks above; the limit is four an hour. This test's runs finish at once.
    const fourth = await stack.issue('Four');
    open(fourth);
    await stack.comment(fourth, 'alice', '/agent one more');
    await stack.waitForTask((t) => t.issueNumber === fourth, 'the fourth task');
    const fifth = await stack.issue('Five');
    open(fifth);
    await stack.comment(fifth, 'alice', '/agent and another');
    const replies = await stack.waitFor(async () => {
      const { data } = await stack
        .as('alice')
        .issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: fifth });
      const fromApp = data.filter((c) => c.user?.login === 'agent-dispatch[bot]');
      return fromApp.length > 0 ? fromApp : undefined;
    }, 'the reply');
    expect((await stack.tasks()).filter((t) => t.issueNumber === fifth)).toEqual([]);
    expect(replies.map((c) => c.body).join()).toMatch(
      /you have started 4 tasks in this repository in the last hour, which is its limit\. Try again after \d{4}-/,
    );
    // Another user is not affected.
    await stack.comment(fifth, 'bob', '/agent from bob');
    await stack.waitForTask((t) => t.issueNumber === fifth && t.requesterLogin === 'bob', "bob's task");
    await stack.settle();
  }, 120_000);

  it('lists the tasks of a thread with /agent status', async () => {
    const issue = await stack.issue('Status');
    open(issue);
    await stack.comment(issue, 'bob', '/agent first');
    const task = await stack.waitForTask(
      (t) => t.issueNumber === issue && t.state === 'succeeded',
      'the task',
      60_000,
    );
    await stack.comment(issue, 'bob', '/agent status');
    await stack.settle();
    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    const status = comments.find((c) => c.body?.includes('**Agent tasks on this thread**'))?.body ?? '';
    expect(status).toContain(`| ${task.id} | succeeded | @bob |`);
    expect(status).toContain(`[PR](${task.prUrl})`);
  }, 90_000);

  it('puts one check on the pull request head: the review gate, with the task summary', async () => {
    const task = (await stack.tasks()).find((t) => t.state === 'succeeded' && t.commitSha)!;
    await stack.settle();
    const checks = (
      await stack.as('alice').checks.listForRef({ owner: 'acme', repo: 'widgets', ref: task.commitSha! })
    ).data.check_runs;
    expect(checks.map((c) => c.name)).toEqual(['agent-dispatch/review']);
    expect(checks[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(checks[0]?.output.title).toBe(
      `Needs an approving review from someone other than @${task.requesterLogin}`,
    );
    expect(checks[0]?.output.summary).toContain(`**Agent task ${task.id}** for`);
    expect(checks[0]?.output.summary).toContain(`requested by @${task.requesterLogin}: succeeded.`);
    expect(checks[0]?.output.summary).toContain(`[logs](${task.workflowRunUrl})`);
  }, 30_000);
});
