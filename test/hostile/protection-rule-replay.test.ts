// Hostile input: a `deployment_protection_rule` delivery replayed. Re-pointed at another run
// without a fresh signature it is refused (401); replayed as it was, under a new delivery id, it
// changes nothing (the run was answered once); signed for another run, that run is judged on its
// own facts — a hand-made run is rejected and its job never runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/task/task.ts';
import { RELIABILITY_JOBS } from '../../src/flows/reconcile/reconcile-jobs.ts';
import { divertWebhooks } from '../support/divert-webhooks.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { ended, expectOnly, footprint, REPO, taskOn } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
echo "the agent ran"
echo "hello" > hello.txt
`;

describe('a replayed deployment_protection_rule delivery', () => {
  let stack: Stack;
  let task: Task;
  let captured: string;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, users: { mallory: 'write' } });
    stack.sim.setEnvironment(REPO, 'agent', { protectionRuleApps: ['agent-dispatch'] });
    const issue = await stack.issue('Gated');
    await stack.comment(issue, 'alice', '/agent add hello.txt');
    task = await ended(stack, (await taskOn(stack, issue)).id);
    await stack.settle();
    expect(task.state).toBe('succeeded');
    captured = stack.sim.deliveries.find(
      (d) =>
        d.event === 'deployment_protection_rule' && d.request.body.includes(`/runs/${task.workflowRunId}/`),
    )!.request.body;
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const answers = (runId: number) =>
    stack.sim.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith(`/actions/runs/${runId}/deployment_protection_rule`),
    );
  const forRun = (runId: number) => captured.replace(`/runs/${task.workflowRunId}/`, `/runs/${runId}/`);

  it('refuses the delivery re-pointed at another run without a fresh signature', async () => {
    const before = await footprint(stack);
    const response = await stack.sim.deliverRawTo('agent-dispatch', {
      event: 'deployment_protection_rule',
      body: forRun(task.workflowRunId! + 1000),
      signature: 'none',
      headers: {
        'x-hub-signature-256': stack.sim.deliveries.find((d) => d.request.body === captured)!.request.headers[
          'x-hub-signature-256'
        ]!,
      },
    });
    await stack.settle();
    expect(response.status).toBe(401);
    expectOnly(before, await footprint(stack), { deliveries: before.deliveries });
  });

  it('answers a run once: the same delivery again under a new delivery id changes nothing', async () => {
    const before = await footprint(stack);
    expect(answers(task.workflowRunId!)).toHaveLength(1);
    const response = await stack.sim.deliverRawTo('agent-dispatch', {
      event: 'deployment_protection_rule',
      body: captured,
      signature: 'sha256',
    });
    await stack.settle();
    expect(response.status).toBe(202);
    expect(answers(task.workflowRunId!)).toHaveLength(1);
    expectOnly(before, await footprint(stack));
    expect((await stack.tasks()).find((t) => t.id === task.id)?.state).toBe('succeeded');
  });

  it('judges a signed request for another run on that run: a hand-made run is rejected', async () => {
    // A hand-made run whose own request the App never received (nor will: it went elsewhere,
    // and GitHub's log has it as delivered, so the redelivery reconciler leaves it alone).
    const runId = await divertWebhooks(stack.sim, 'agent-dispatch', async (receiver) => {
      const dispatched = await stack.sim.dispatchWorkflow({
        repo: REPO,
        user: 'mallory',
        workflow: 'agent.yml',
        inputs: { task_id: String(task.id) },
      });
      await stack.waitFor(
        async () =>
          receiver.received.find(
            (d) =>
              d.event === 'deployment_protection_rule' &&
              d.raw.includes(`/runs/${dispatched.runId}/deployment_protection_rule`),
          ),
        "the hand-made run's own protection rule request",
      );
      return dispatched.runId;
    });
    // What the cron does at every minute boundary: it does not send that request to the App.
    await stack.runCronJob(RELIABILITY_JOBS.redeliver);
    expect(answers(runId)).toEqual([]);
    const response = await stack.sim.deliverRawTo('agent-dispatch', {
      event: 'deployment_protection_rule',
      body: forRun(runId),
      signature: 'sha256',
    });
    expect(response.status).toBe(202);
    const run = await stack.waitFor(
      async () => stack.sim.runs(REPO).find((r) => r.id === runId && r.status === 'completed'),
      'the hand-made run to end',
    );
    await stack.settle();
    expect(run.conclusion).toBe('failure');
    expect(answers(runId).length).toBeGreaterThanOrEqual(1);
    expect(answers(runId).every((r) => r.status === 204 || r.status === 422)).toBe(true);
    const gate = [...stack.sim.core.store.gates.values()].find((g) => g.runId === runId)!;
    expect([...gate.apps.values()]).toEqual(['rejected']);
    expect(stack.sim.jobs(runId).some((j) => j.runnerName || j.log.includes('the agent ran'))).toBe(false);
    expect((await stack.tasks()).find((t) => t.id === task.id)?.state).toBe('succeeded');
  }, 60_000);
});
