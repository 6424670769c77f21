// Hostile input: forged and duplicated webhooks. A forged delivery gets 401 and leaves no trace;
// an oversized one 413; ten copies of one genuine delivery make one task and one run.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELIABILITY_JOBS } from '../../src/flows/reconcile/reconcile-jobs.ts';
import { divertWebhooks } from '../support/divert-webhooks.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { ended, expectOnly, footprint, runsOf } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
echo "hello" > hello.txt
`;

describe('hostile webhooks', () => {
  let stack: Stack;
  /**
   * A genuine `/agent` comment delivery the App never received. It went elsewhere, and GitHub's
   * log has it as delivered: nothing (the redelivery reconciler included) sends it to the App
   * but the tests below.
   */
  let genuine: { guid: string; body: string; signature256: string };
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT } });
    const issue = await stack.issue('Forgery target');
    const delivery = await divertWebhooks(stack.sim, 'agent-dispatch', async (receiver) => {
      await stack.comment(issue, 'alice', '/agent add hello.txt');
      return receiver.received.filter((d) => d.event === 'issue_comment').at(-1)!;
    });
    expect(delivery.verified).toBe(true);
    genuine = {
      guid: delivery.delivery,
      body: delivery.raw,
      signature256: delivery.headers['x-hub-signature-256']!,
    };
    // What the cron does at every minute boundary: it leaves the genuine delivery alone.
    await stack.runCronJob(RELIABILITY_JOBS.redeliver);
    await stack.settle();
    expect(stack.sim.deliveries.filter((d) => d.guid === genuine.guid)).toHaveLength(1);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const deliver = (raw: Parameters<Stack['sim']['deliverRawTo']>[1]) =>
    stack.sim.deliverRawTo('agent-dispatch', raw);

  it.each([
    ['an unsigned delivery', { signature: 'none' as const }],
    ['a delivery signed with sha1 only', { signature: 'sha1' as const }],
    ['a delivery signed with the wrong secret', { signature: 'both' as const, secret: 'not-the-secret' }],
  ])('answers %s with 401 and stores nothing', async (_what, forged) => {
    const before = await footprint(stack);
    const response = await deliver({ event: 'issue_comment', body: genuine.body, ...forged });
    await stack.settle();
    expect(response.status).toBe(401);
    expectOnly(before, await footprint(stack), { deliveries: before.deliveries });
  });

  it('answers a re-serialized body carrying the original signature with 401 and stores nothing', async () => {
    const before = await footprint(stack);
    const reserialized = JSON.stringify(JSON.parse(genuine.body), null, 2);
    expect(reserialized).not.toBe(genuine.body);
    const response = await deliver({
      event: 'issue_comment',
      body: reserialized,
      signature: 'none',
      headers: { 'x-hub-signature-256': genuine.signature256 },
    });
    await stack.settle();
    expect(response.status).toBe(401);
    expectOnly(before, await footprint(stack), { deliveries: before.deliveries });
  });

  it('makes one task and one run from 10 concurrent copies of one genuine delivery', async () => {
    const before = await footprint(stack);
    const signature = `sha256=${createHmac('sha256', stack.github.webhookSecret!).update(genuine.body).digest('hex')}`;
    expect(signature).toBe(genuine.signature256);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        deliver({
          event: 'issue_comment',
          body: genuine.body,
          signature: 'sha256',
          headers: { 'x-github-delivery': genuine.guid },
        }),
      ),
    );
    expect(responses.filter((r) => r.status !== 202).map((r) => `${r.status} ${r.body}`)).toEqual([]);
    const task = await stack.waitForTask(
      (t) => t.commentId === JSON.parse(genuine.body).comment.id,
      'the task',
    );
    const done = await ended(stack, task.id);
    await stack.settle();
    expect(done.state).toBe('succeeded');
    const after = await footprint(stack);
    expect(after.tasks).toBe(before.tasks + 1);
    const stored = await stack.app.pool.query(
      'SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivery_id = $1',
      [genuine.guid],
    );
    expect(stored.rows[0].n).toBe(1);
    expect(runsOf(stack, done)).toHaveLength(1);
    expect(after.pulls).toBe(before.pulls + 1);
  }, 90_000);
  // Last: the App answers before reading the whole body and closes the connection.
  it('refuses a correctly signed body above the size cap with 413 and stores nothing', async () => {
    const before = await footprint(stack);
    const payload = JSON.parse(genuine.body) as Record<string, unknown>;
    const body = JSON.stringify({ ...payload, padding: 'x'.repeat(stack.config.webhookMaxBytes) });
    const response = await deliver({ event: 'issue_comment', body, signature: 'sha256' });
    await stack.settle();
    expect(response.status).toBe(413);
    expectOnly(before, await footprint(stack), { deliveries: before.deliveries });
  });
});
