// Environment gates end to end: the App as the `agent` environment's custom deployment protection
// rule (its own runs only, requester still allowed, within budget), and required reviewers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import type { Task } from '../../src/core/task/task.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
echo "the agent ran" 
echo "hello from the agent" > hello.txt
`;

const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

describe('environment gates', () => {
  let stack: Stack;
  const repo = 'acme/widgets';
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      users: { maria: 'write', bob: 'write', mallory: 'write' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const ended = (id: number) => (t: Task) => t.id === id && TERMINAL.includes(t.state);

  async function startTask(title: string, user = 'alice', body = '/agent add hello.txt') {
    const issue = await stack.issue(title);
    await stack.comment(issue, user, body);
    const task = await stack.waitForTask((t) => t.issueNumber === issue, `a task on #${issue}`);
    return { issue, task };
  }

  async function commentsOn(issue: number) {
    const all = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return all.filter((c) => c.user?.login === 'agent-dispatch[bot]').map((c) => c.body ?? '');
  }

  function appDecision(runId: number): string | undefined {
    const gate = [...stack.sim.core.store.gates.values()].find((g) => g.runId === runId);
    return gate ? [...gate.apps.values()][0] : undefined;
  }

  async function storedAnswer(runId: number) {
    const found = await stack.app.pool.query('SELECT result FROM github_effects WHERE key = $1', [
      `gate:${stack.repo.id}:${runId}:agent`,
    ]);
    return found.rows[0]?.result as { state: string; reason: string; answer: string } | undefined;
  }

  async function runEnded(runId: number) {
    return stack.waitFor(
      async () => stack.sim.runs(repo).find((r) => r.id === runId && r.status === 'completed'),
      `run ${runId} to complete`,
      60_000,
    );
  }

  function agentRan(runId: number): boolean {
    return stack.sim.jobs(runId).some((j) => j.runnerName || j.log.includes('the agent ran'));
  }

  describe('the App as the custom deployment protection rule', () => {
    beforeAll(() => {
      stack.sim.setEnvironment(repo, 'agent', { protectionRuleApps: ['agent-dispatch'] });
    });

    it('approves the run it dispatched for a live task of an allowed requester', async () => {
      const { task } = await startTask('Gate approves');
      const done = await stack.waitForTask(ended(task.id), 'the task to end', 60_000);
      await stack.settle();
      expect(done.state).toBe('succeeded');
      expect(appDecision(done.workflowRunId!)).toBe('approved');
      expect(await stack.events(task.id)).toContain('gate_approved');
      expect(await storedAnswer(done.workflowRunId!)).toEqual({
        state: 'approved',
        answer: 'sent',
        reason: expect.stringContaining(`agent task ${task.id}, requested by @alice`),
      });
      expect(stack.sim.unexpectedRequests()).toEqual([]);
    }, 90_000);

    it('retries, not rejects, a request that arrives before the App has stored the run id', async () => {
      // Hold the dispatch between GitHub's answer and the App recording it: the ledger update of
      // the dispatch waits on an advisory lock this test holds.
      const db = stack.app.pool;
      await db.query(`CREATE FUNCTION test_hold_dispatch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.key LIKE 'dispatch:%' THEN PERFORM pg_advisory_lock(4242); PERFORM pg_advisory_unlock(4242); END IF;
          RETURN NEW;
        END $$`);
      await db.query(`CREATE TRIGGER test_hold_dispatch BEFORE UPDATE ON github_effects
        FOR EACH ROW EXECUTE FUNCTION test_hold_dispatch()`);
      const hold = await db.connect();
      await hold.query('SELECT pg_advisory_lock(4242)');
      let held = true;
      const release = async () => {
        if (!held) return;
        held = false;
        await hold.query('SELECT pg_advisory_unlock(4242)');
        hold.release();
      };
      try {
        const issue = await stack.issue('Gate before the run id');
        await stack.comment(issue, 'alice', '/agent add hello.txt');
        const task = await stack.waitForTask((t) => t.issueNumber === issue, 'the task');
        const retried = await stack.waitFor(async () => {
          const jobs = await db.query(
            `SELECT j.attempts, j.last_error FROM graphile_worker.jobs j
               JOIN webhook_deliveries d ON j.key = 'delivery:' || d.delivery_id
              WHERE d.event = 'deployment_protection_rule' AND j.attempts > 0`,
          );
          return jobs.rows.find((r) =>
            String(r.last_error).includes(`of task ${task.id} is not recorded yet`),
          );
        }, 'the gate to wait for the run id');
        expect(retried.attempts).toBeGreaterThanOrEqual(1);
        expect((await stack.tasks()).find((t) => t.id === task.id)?.workflowRunId).toBeNull();
        await release();
        const done = await stack.waitForTask(ended(task.id), 'the task to end', 60_000);
        await stack.settle();
        expect(done.state).toBe('succeeded');
        expect(appDecision(done.workflowRunId!)).toBe('approved');
      } finally {
        await release();
        await db.query('DROP TRIGGER test_hold_dispatch ON github_effects');
        await db.query('DROP FUNCTION test_hold_dispatch()');
      }
    }, 90_000);

    it('rejects a workflow_dispatch made by hand to reach the environment, and the job never runs', async () => {
      const tasksBefore = (await stack.tasks()).length;
      const { runId } = await stack.sim.dispatchWorkflow({
        repo,
        user: 'mallory',
        workflow: 'agent.yml',
        inputs: { task_id: '424242' },
      });
      const run = await runEnded(runId);
      await stack.settle();
      expect(run.conclusion).toBe('failure');
      expect(appDecision(runId)).toBe('rejected');
      expect(agentRan(runId)).toBe(false);
      expect((await storedAnswer(runId))?.reason).toMatch(/was not dispatched by Agent Dispatch/);
      expect(await stack.tasks()).toHaveLength(tasksBefore);
    }, 90_000);

    it("rejects a hand-made run that claims an existing task's id and says so on that task's thread", async () => {
      const [earlier] = (await stack.tasks()).filter((t) => t.state === 'succeeded');
      const { runId } = await stack.sim.dispatchWorkflow({
        repo,
        user: 'mallory',
        workflow: 'agent.yml',
        inputs: { task_id: String(earlier!.id) },
      });
      await runEnded(runId);
      await stack.settle();
      expect(appDecision(runId)).toBe('rejected');
      expect(agentRan(runId)).toBe(false);
      const replies = await commentsOn(earlier!.issueNumber!);
      expect(
        replies.some((b) => b.includes(`Workflow run ${runId} claimed to be agent task ${earlier!.id}`)),
      ).toBe(true);
      expect((await stack.tasks()).find((t) => t.id === earlier!.id)?.state).toBe('succeeded');
    }, 90_000);

    it('rejects the run when the requester lost write access after dispatch, and ends the task rejected', async () => {
      // Hold the App's look-up of the run, so the requester's access changes between the
      // dispatch (which checked it) and the gate's decision.
      const hold = stack.sim.faults.inject({
        method: 'GET',
        route: '/repos/{owner}/{repo}/actions/runs/{run_id}',
        kind: { type: 'latency', ms: 3_000 },
      });
      try {
        const { task, issue } = await startTask('Access removed', 'bob');
        const dispatched = await stack.waitForTask(
          (t) => t.id === task.id && t.workflowRunId !== null,
          'the run id to be recorded',
        );
        await stack.waitFor(async () => hold.hits() > 0 || undefined, 'the gate to look up the run');
        stack.sim.setPermission(repo, 'bob', 'read');
        const done = await stack.waitForTask(ended(task.id), 'the task to end', 60_000);
        stack.sim.faults.clear();
        await runEnded(dispatched.workflowRunId!);
        await stack.settle();
        expect(done.state).toBe('rejected');
        expect(done.errorMessage).toMatch(/@bob may no longer run agent tasks here/);
        expect(appDecision(dispatched.workflowRunId!)).toBe('rejected');
        expect(agentRan(dispatched.workflowRunId!)).toBe(false);
        const status = (await commentsOn(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
        expect(status).toContain('Rejected');
        expect(status).toContain('may no longer run agent tasks here');
      } finally {
        stack.sim.faults.clear();
        stack.sim.setPermission(repo, 'bob', 'write');
      }
    }, 90_000);

    it('rejects the run once the monthly budget is spent', async () => {
      await stack.sim.push({
        repo,
        branch: 'main',
        user: 'alice',
        files: { '.github/agent.yml': stringifyYaml({ ...COMMAND_CONFIG, budget: { 'monthly-usd': 1 } }) },
      });
      // What the earlier task of this month cost, as its job would have reported it.
      await stack.app.pool.query(
        `UPDATE task_results SET report = jsonb_set(report, '{costUsd}',
           CASE WHEN task_id = (SELECT min(task_id) FROM task_results) THEN '1.25' ELSE '0' END::jsonb)`,
      );
      const { task } = await startTask('Over budget');
      const done = await stack.waitForTask(ended(task.id), 'the task to end', 60_000);
      await stack.settle();
      expect(done.state).toBe('rejected');
      expect(done.errorMessage).toMatch(/budget for the month is spent: \$1\.25 of \$1\.00/);
      expect(done.prNumber).toBeNull();
      expect(agentRan(done.workflowRunId!)).toBe(false);
      await stack.sim.push({
        repo,
        branch: 'main',
        user: 'alice',
        files: { '.github/agent.yml': stringifyYaml(COMMAND_CONFIG) },
      });
    }, 90_000);
  });

  describe('required reviewers', () => {
    beforeAll(() => {
      stack.sim.setEnvironment(repo, 'agent', { reviewers: ['maria'] });
    });

    async function waitingTask(title: string) {
      const { task, issue } = await startTask(title);
      const waiting = await stack.waitForTask(
        (t) => t.id === task.id && t.state === 'waiting_approval',
        'the task to wait for the reviewers',
        60_000,
      );
      const status = await stack.waitFor(async () => {
        const body = (await commentsOn(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
        return body?.includes('environment gate') ? body : undefined;
      }, 'the status comment to show the gate');
      return { task: waiting, issue, status };
    }

    it('holds the task in waiting_approval, names the environment and reviewers, and runs once approved', async () => {
      const { task, status } = await waitingTask('Reviewed run');
      expect(status).toContain('The run waits for the `agent` environment: @maria can approve it');
      expect(status).toContain(`[the run's review page](${task.workflowRunUrl})`);
      expect(agentRan(task.workflowRunId!)).toBe(false);

      stack.sim.reviewDeployment({ runId: task.workflowRunId!, user: 'maria', state: 'approved' });
      const done = await stack.waitForTask(ended(task.id), 'the task to end', 60_000);
      await stack.settle();
      expect(done.state).toBe('succeeded');
      expect(await stack.events(task.id)).toEqual(
        expect.arrayContaining(['gate_waiting', 'run_started', 'published']),
      );
    }, 90_000);

    it('ends the task rejected, not failed, when the reviewer rejects the run', async () => {
      const { task, issue } = await waitingTask('Rejected run');
      stack.sim.reviewDeployment({ runId: task.workflowRunId!, user: 'maria', state: 'rejected' });
      const done = await stack.waitForTask(ended(task.id), 'the task to end', 60_000);
      await stack.settle();
      expect(done.state).toBe('rejected');
      expect(done.errorMessage).toContain('rejected at the `agent` environment gate');
      expect(done.branch).toBeNull();
      expect(agentRan(task.workflowRunId!)).toBe(false);
      const status = (await commentsOn(issue)).find((b) => b.includes(`agent-dispatch:task=${task.id}`));
      expect(status).toContain('Rejected');
      expect(status).not.toContain('/agent retry');
    }, 90_000);
  });
});
