// Acceptance scenarios of the /agent loop, end to end in the simulator with the bundled action.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { RELIABILITY_JOBS } from '../../src/flows/reconcile/reconcile-jobs.ts';
import { divertWebhooks } from '../support/divert-webhooks.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

// The command engine's script: what it does depends on a MODE word in the task, or on a
// `.agent-mode` file in the repository (so a retry can behave differently).
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
mode=$(cat .agent-mode 2>/dev/null || true)
if [ -z "$mode" ]; then mode=$(grep -o 'MODE=[a-z-]*' "$AGENT_PROMPT_FILE" | head -n 1 | cut -d= -f2 || true); fi
case "$mode" in
  none) echo "nothing to change" ;;
  fail) echo "the agent gave up" >&2; exit 3 ;;
  sleep) echo "the agent is thinking"; sleep 60 ;;
  workflow) mkdir -p .github/workflows && printf 'on: push\\n' > .github/workflows/x.yml ;;
  append) echo "more from a follow-up" >> hello.txt ;;
  *) echo "hello from the agent" > hello.txt ;;
esac
`;

describe('the /agent loop: acceptance scenarios', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      users: { reader: 'read', triager: 'triage', maintainer: 'maintain' },
    });
    stack.sim.addBot('renovate[bot]');
    stack.sim.setPermission('acme/widgets', 'renovate[bot]', 'admin');
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const ended = (id: number) => (t: { id: number; state: string }) =>
    t.id === id &&
    ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'].includes(t.state);

  async function run(body: string, user = 'alice', issueTitle = 'A task') {
    const issue = await stack.issue(issueTitle);
    const before = (await stack.tasks()).length;
    await stack.comment(issue, user, body);
    const created = await stack.waitForTask((t) => t.issueNumber === issue, `a task on #${issue}`);
    expect((await stack.tasks()).length).toBe(before + 1);
    const final = await stack.waitForTask(ended(created.id), `task ${created.id} to end`, 60_000);
    await stack.settle();
    return { issue, task: final };
  }

  async function repliesOn(issue: number) {
    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return comments.filter((c) => c.user?.login === 'agent-dispatch[bot]').map((c) => c.body ?? '');
  }

  async function pullsOf(branch: string | null) {
    const pulls = (await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'all' })).data;
    return pulls.filter((p) => p.head.ref === branch);
  }

  it('ends with no_changes when the engine changes nothing', async () => {
    const { task, issue } = await run('/agent MODE=none look around');
    expect(task.state).toBe('no_changes');
    expect(await pullsOf(task.branch)).toEqual([]);
    expect((await repliesOn(issue)).join()).toContain('Finished without changes');
  }, 90_000);

  it('ends failed with the reason and a logs link when the engine fails', async () => {
    const { task, issue } = await run('/agent MODE=fail try something');
    expect(task.state).toBe('failed');
    expect(task.errorMessage).toMatch(/The agent failed \(exit code 3\)/);
    const status = (await repliesOn(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
    expect(status).toContain('Failed');
    expect(status).toContain(`Logs: [workflow run](${task.workflowRunUrl})`);
  }, 90_000);

  it('rejects a change to a workflow file, publishes nothing and lists the violation', async () => {
    const { task, issue } = await run('/agent MODE=workflow add CI');
    expect(task.state).toBe('rejected');
    expect(task.branch).toBeNull();
    const branches = await stack.sim.git.run('acme/widgets', ['branch', '--list', 'agent/*']);
    expect(branches.trim()).toBe('');
    const status = (await repliesOn(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
    expect(status).toContain('`.github/workflows/x.yml` — **denied-path**');
  }, 90_000);

  it('cancels a running task and its run', async () => {
    const issue = await stack.issue('Slow');
    await stack.comment(issue, 'alice', '/agent MODE=sleep take your time');
    const running = await stack.waitForTask(
      (t) => t.issueNumber === issue && t.state === 'running',
      'the task to run',
      60_000,
    );
    // Cancel once the engine itself is at work (not between the job's steps).
    await stack.waitFor(
      async () =>
        stack.sim.jobs(running.workflowRunId!).some((j) => j.log.includes('the agent is thinking')) ||
        undefined,
      'the engine to start',
    );
    await stack.comment(issue, 'alice', '/agent cancel');
    const cancelled = await stack.waitForTask(ended(running.id), 'the task to end');
    expect(cancelled.state).toBe('cancelled');
    await stack.settle();
    const run = stack.sim.runs('acme/widgets').find((r) => r.id === running.workflowRunId);
    expect(run?.conclusion).toBe('cancelled');
    expect(await stack.events(running.id)).toContain('cancel');
  }, 120_000);

  it('retries a failed task as a second attempt that succeeds', async () => {
    await stack.sim.push({
      repo: 'acme/widgets',
      branch: 'main',
      user: 'alice',
      files: { '.agent-mode': 'fail\n' },
    });
    const { task, issue } = await run('/agent write the greeting', 'alice', 'Greeting');
    expect(task.state).toBe('failed');
    await stack.sim.push({
      repo: 'acme/widgets',
      branch: 'main',
      user: 'alice',
      files: {},
      deletes: ['.agent-mode'],
    });
    await stack.comment(issue, 'alice', `/agent retry ${task.id}`);
    const second = await stack.waitForTask(
      (t) => t.id === task.id && t.attempt === 2 && ended(task.id)(t),
      'the retry',
      60_000,
    );
    await stack.settle();
    expect(second.state).toBe('succeeded');
    expect(second.branch).toMatch(/-a2$/);
    expect(await stack.events(task.id)).toEqual(expect.arrayContaining(['fail', 'retry', 'published']));
    expect(
      stack.sim.runs('acme/widgets').filter((r) => r.displayTitle === `agent task ${task.id}`),
    ).toHaveLength(2);
  }, 150_000);

  it("adds a follow-up commit to the agent's own pull request", async () => {
    const { task } = await run('/agent write hello', 'alice', 'Hello');
    expect(task.state).toBe('succeeded');
    const pr = task.prNumber!;
    await stack.comment(pr, 'alice', '/agent MODE=append add a line');
    const followUp = await stack.waitForTask(
      (t) => t.issueNumber === pr && ended(t.id)(t),
      'the follow-up',
      60_000,
    );
    await stack.settle();
    expect(followUp.state).toBe('succeeded');
    expect(followUp.followUpOfPr).toBe(pr);
    expect(followUp.prNumber).toBe(pr);
    const log = await stack.sim.git.log('acme/widgets', task.branch!);
    expect(log[0]?.sha).toBe(followUp.commitSha);
    expect(log[0]?.parents).toEqual([task.commitSha]);
    const content = await stack.sim.git.readFile('acme/widgets', task.branch!, 'hello.txt');
    expect(content?.toString()).toBe('hello from the agent\nmore from a follow-up\n');
    expect(await pullsOf(task.branch)).toHaveLength(1);
  }, 150_000);

  it.each([
    ['reader', 'read'],
    ['triager', 'triage'],
  ])(
    'refuses %s (%s access) when the repository refuses outsiders',
    async (user) => {
      await stack.sim.push({
        repo: 'acme/widgets',
        branch: 'main',
        user: 'alice',
        files: {
          '.github/agent.yml': stringifyYaml({
            ...COMMAND_CONFIG,
            trigger: { 'below-permission': 'refuse' },
          }),
        },
      });
      const issue = await stack.issue('Not allowed');
      const runsBefore = stack.sim.runs('acme/widgets').length;
      await stack.comment(issue, user, '/agent do it');
      await stack.settle();
      expect((await stack.tasks()).filter((t) => t.issueNumber === issue)).toEqual([]);
      expect(stack.sim.runs('acme/widgets')).toHaveLength(runsBefore);
      expect((await repliesOn(issue)).join()).toMatch(
        new RegExp(`Sorry @${user}, you cannot run agent tasks here`),
      );
    },
    60_000,
  );

  it('ignores bots, edited comments and commands in code blocks or quotes', async () => {
    await stack.sim.push({
      repo: 'acme/widgets',
      branch: 'main',
      user: 'alice',
      files: { '.github/agent.yml': stringifyYaml(COMMAND_CONFIG) },
    });
    const issue = await stack.issue('Quiet');
    await stack.comment(issue, 'renovate[bot]', '/agent bump everything');
    const quoted = await stack.comment(issue, 'alice', '```\n/agent add tests\n```\n> /agent and this');
    await stack.sim.editComment({ commentId: quoted.id, user: 'alice', body: '/agent now it is a command' });
    await stack.settle();
    expect((await stack.tasks()).filter((t) => t.issueNumber === issue)).toEqual([]);
    expect(await repliesOn(issue)).toEqual([]);
  }, 60_000);

  it('answers a malformed command with what was wrong and the help', async () => {
    const issue = await stack.issue('Typo');
    await stack.comment(issue, 'alice', '/agent --model gpt-5 add tests');
    await stack.settle();
    const [reply] = await repliesOn(issue);
    expect(reply).toContain('unknown flag `--model`');
    expect(reply).toContain('/agent help');
  }, 60_000);

  it('creates one task and one run from a delivery sent 10 times at once', async () => {
    const issue = await stack.issue('Duplicates');
    // The first delivery goes elsewhere (GitHub's log has it as delivered, so the redelivery
    // reconciler sends no copy of its own); then GitHub sends it to the App 10 times at once.
    const guid = await divertWebhooks(stack.sim, 'agent-dispatch', async (receiver) => {
      await stack.comment(issue, 'alice', '/agent MODE=none check duplicates');
      return receiver.received.filter((d) => d.event === 'issue_comment').at(-1)!.delivery;
    });
    // What the cron does at every minute boundary: it sends no copy of its own.
    await stack.runCronJob(RELIABILITY_JOBS.redeliver);
    const [first, ...others] = stack.sim.deliveries.filter((d) => d.guid === guid);
    expect(others).toEqual([]);
    const results = await Promise.all(Array.from({ length: 10 }, () => stack.sim.redeliver(first!.id)));
    expect(results.every((r) => r.statusCode === 202)).toBe(true);
    const task = await stack.waitForTask(
      (t) => t.issueNumber === issue && ended(t.id)(t),
      'the task',
      60_000,
    );
    await stack.settle();
    expect((await stack.tasks()).filter((t) => t.issueNumber === issue)).toHaveLength(1);
    expect(
      stack.sim.runs('acme/widgets').filter((r) => r.displayTitle === `agent task ${task.id}`),
    ).toHaveLength(1);
  }, 90_000);

  it('refuses runner API calls with a token for another repository or another run', async () => {
    const [task] = (await stack.tasks()).filter((t) => t.workflowRunId !== null);
    const issuer = stack.sim.core.actions.issuer!;
    const claims = {
      sub: 'repo:acme/widgets:environment:agent',
      repository: 'acme/widgets',
      repository_id: String(stack.repo.id),
      repository_owner: 'acme',
      repository_owner_id: '1',
      run_id: String(task!.workflowRunId),
      run_number: '1',
      run_attempt: '1',
      workflow: 'Agent Dispatch',
      workflow_ref: 'acme/widgets/.github/workflows/agent.yml@refs/heads/main',
      job_workflow_ref: 'acme/widgets/.github/workflows/agent.yml@refs/heads/main',
      ref: 'refs/heads/main',
      sha: 'a'.repeat(40),
      actor: 'agent-dispatch[bot]',
      actor_id: '2',
      event_name: 'workflow_dispatch',
    };
    const call = async (overrides: Record<string, string>) => {
      const token = await issuer.mint({ ...claims, ...overrides } as never, stack.config.publicUrl);
      const response = await fetch(`${stack.app.url}/api/runner/v1/tasks/${task!.id}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: (await response.json()) as { error?: { message: string } } };
    };
    expect((await call({})).status).toBe(200);
    expect(await call({ repository_id: '999999' })).toEqual({
      status: 403,
      body: { error: { code: 'wrong_run', message: 'the token is for another repository' } },
    });
    expect(await call({ run_id: '123' })).toEqual({
      status: 403,
      body: { error: { code: 'wrong_run', message: 'the token is for another workflow run' } },
    });
  }, 30_000);
});
