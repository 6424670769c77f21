// The review gate end to end: the `agent-dispatch/review` check on an agent's pull request stays
// failing until someone other than the requester (a person with write access) approves its head,
// and is evaluated again on every new commit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/task/task.ts';
import { type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
if grep -q APPEND "$AGENT_PROMPT_FILE"; then echo "more" >> hello.txt; else echo "hello" > hello.txt; fi
`;
const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

describe('the review gate of an agent pull request', () => {
  let stack: Stack;
  let task: Task;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      users: { maria: 'write', reader: 'read' },
    });
    stack.sim.addBot('helper[bot]');
    stack.sim.setPermission('acme/widgets', 'helper[bot]', 'admin');
    const issue = await stack.issue('Review me');
    await stack.comment(issue, 'alice', '/agent write hello');
    task = await stack.waitForTask(
      (t) => t.issueNumber === issue && TERMINAL.includes(t.state),
      'the task',
      60_000,
    );
    await stack.settle();
    expect(task.state).toBe('succeeded');
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function reviewCheck(sha: string) {
    const { data } = await stack.as('alice').checks.listForRef({
      owner: 'acme',
      repo: 'widgets',
      ref: sha,
      check_name: 'agent-dispatch/review',
    });
    expect(data.check_runs.length).toBeLessThanOrEqual(1);
    return data.check_runs[0];
  }

  async function head(): Promise<string> {
    const { data } = await stack
      .as('alice')
      .pulls.get({ owner: 'acme', repo: 'widgets', pull_number: task.prNumber! });
    return data.head.sha;
  }

  async function review(user: string, state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED') {
    await stack.sim.submitReview({ repo: 'acme/widgets', pull: task.prNumber!, user, state });
    await stack.settle();
  }

  it('fails after publishing, naming who must not be the approver', async () => {
    const check = await reviewCheck(task.commitSha!);
    expect(check).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Needs an approving review from someone other than @alice' },
    });
  }, 30_000);

  it("ignores the requester's own approval, a bot's and a read-only user's", async () => {
    await review('alice', 'APPROVED');
    await review('helper[bot]', 'APPROVED');
    await review('reader', 'APPROVED');
    const check = await reviewCheck(task.commitSha!);
    expect(check?.conclusion).toBe('failure');
    expect(check?.output.summary).toContain('@alice asked for this work, so their approval does not count.');
    expect(check?.output.summary).toContain('@helper[bot] is a bot');
    expect(check?.output.summary).toContain('@reader has read access');
  }, 30_000);

  it('passes once someone else with write access approves, and fails again on a new commit', async () => {
    await review('maria', 'COMMENTED');
    expect((await reviewCheck(task.commitSha!))?.conclusion).toBe('failure');
    await review('maria', 'APPROVED');
    expect(await reviewCheck(task.commitSha!)).toMatchObject({
      conclusion: 'success',
      output: { title: 'Approved by @maria' },
    });

    // A follow-up task adds a commit: the approval was for the earlier one.
    await stack.comment(task.prNumber!, 'alice', '/agent APPEND one more line');
    const followUp = await stack.waitForTask(
      (t) => t.followUpOfPr === task.prNumber && TERMINAL.includes(t.state),
      'the follow-up',
      60_000,
    );
    await stack.settle();
    expect(followUp.state).toBe('succeeded');
    const sha = await head();
    expect(sha).toBe(followUp.commitSha);
    const check = await reviewCheck(sha);
    expect(check?.conclusion).toBe('failure');
    expect(check?.output.summary).toContain('@maria approved an earlier commit');

    await review('maria', 'CHANGES_REQUESTED');
    expect((await reviewCheck(sha))?.output.title).toBe('Changes requested by @maria');
    await review('maria', 'APPROVED');
    expect((await reviewCheck(sha))?.conclusion).toBe('success');
    expect(stack.sim.unexpectedRequests()).toEqual([]);
  }, 90_000);

  it('leaves pull requests that are not an agent’s alone', async () => {
    await stack.sim.push({
      repo: 'acme/widgets',
      branch: 'feature',
      user: 'maria',
      files: { 'x.txt': 'x\n' },
    });
    const pr = await stack.sim.createPullRequest({
      repo: 'acme/widgets',
      user: 'maria',
      head: 'feature',
      title: 'Mine',
    });
    await stack.sim.submitReview({ repo: 'acme/widgets', pull: pr.number, user: 'alice', state: 'APPROVED' });
    await stack.settle();
    const sha = await stack.sim.git.resolve('acme/widgets', 'feature');
    expect(await reviewCheck(sha!)).toBeUndefined();
  }, 30_000);
});
