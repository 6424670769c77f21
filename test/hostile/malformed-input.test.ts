// Hostile input: NUL bytes, broken Unicode and malformed payloads. A comment, a command or an
// agent summary holding U+0000 or a lone surrogate never poisons a task (it is stored with U+FFFD
// in its place, once, at the edge); a correctly signed but malformed payload is recorded as a
// permanent failure with its reason — never a 503, never retried, never a request to `/repos//…`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divertWebhooks } from '../support/divert-webhooks.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { ended, taskOn } from './support.ts';

// The agent reports a summary holding a NUL byte.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
printf 'summary with a NUL \\0 inside' > "$AGENT_SUMMARY_FILE"
cp "$AGENT_PROMPT_FILE" seen-prompt.txt
`;

describe('hostile bytes and payloads', () => {
  let stack: Stack;
  /** A genuine `/agent` comment delivery, as JSON, to bend into malformed ones. */
  // biome-ignore lint/suspicious/noExplicitAny: a payload bent freely by the cases below
  let genuine: Record<string, any>;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT } });
    const issue = await stack.issue('Template');
    // Sent elsewhere (a host that answers 200), so the App's redelivery reconciler never fetches
    // it at a minute boundary and starts a task the cases below do not expect.
    genuine = await divertWebhooks(stack.sim, 'agent-dispatch', async () => {
      await stack.comment(issue, 'alice', '/agent add a file');
      return JSON.parse(stack.sim.deliveries.filter((d) => d.event === 'issue_comment').at(-1)!.request.body);
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs a task on a thread where an earlier comment holds U+0000 and a lone surrogate', async () => {
    const issue = await stack.issue('Poisoned thread', 'body with \u0000 NUL');
    await stack.comment(issue, 'alice', 'context with a NUL \u0000 and \uD800 half a pair');
    await stack.comment(issue, 'alice', '/agent add a file');
    const done = await ended(stack, (await taskOn(stack, issue)).id);
    expect(done.state).toBe('succeeded');
    const prompt = (done.spec as { prompt: string }).prompt;
    expect(prompt).toContain('context with a NUL \uFFFD and \uFFFD half a pair');
    expect(prompt).toContain('body with \uFFFD NUL');
    // The summary's NUL did not lose the result: the pull request carries it, replaced.
    const pull = await stack
      .as('alice')
      .pulls.get({ owner: 'acme', repo: 'widgets', pull_number: done.prNumber! });
    expect(pull.data.body).toContain('summary with a NUL \uFFFD inside');
  }, 90_000);

  it('answers a command holding U+0000 and a lone surrogate with a task, not a 503', async () => {
    const issue = await stack.issue('Poisoned command');
    await stack.comment(issue, 'alice', '/agent add a file \u0000 with \uDC00 in it');
    const done = await ended(stack, (await taskOn(stack, issue)).id);
    expect(done.state).toBe('succeeded');
    expect(done.prompt).toBe('add a file \uFFFD with \uFFFD in it');
    // Every delivery that reached the App was accepted (the one diverted above went elsewhere).
    // Once none is in flight: the task's last events (workflow_job, check runs) may still be on
    // their way, recorded as pending (status code 0) until the App answers.
    await stack.settle();
    const answered = stack.sim.deliveries.filter(
      (d) => d.url === stack.sim.core.store.apps.get(d.appId)?.webhookUrl,
    );
    expect(answered.filter((d) => d.statusCode !== 202).map((d) => d.statusCode)).toEqual([]);
  }, 90_000);

  // biome-ignore lint/suspicious/noExplicitAny: a payload bent freely by the cases below
  const edit = (change: (p: Record<string, any>) => void) => () => {
    const copy = structuredClone(genuine);
    copy.comment.id += Math.floor(Math.random() * 1e6) + 1000;
    change(copy);
    return JSON.stringify(copy);
  };
  const deep = `{"action":"created","comment":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;

  it.each([
    ['no comment id', 'issue_comment', edit((p) => delete p.comment.id), /comment\.id/],
    ['installation.id 1.5', 'issue_comment', edit((p) => (p.installation.id = 1.5)), /installation\.id/],
    ['no repository.owner', 'issue_comment', edit((p) => delete p.repository.owner), /repository\.owner/],
    ['an empty repository name', 'issue_comment', edit((p) => (p.repository.name = '')), /repository\.name/],
    [
      'a lone surrogate as owner',
      'issue_comment',
      edit((p) => (p.repository.owner.login = '\uD800')),
      /owner/,
    ],
    ['no issue', 'issue_comment', edit((p) => delete p.issue), /issue/],
    ['JSON nested 100,000 deep', 'issue_comment', () => deep, /nested deeper than/],
    [
      'a workflow run without an id',
      'workflow_run',
      () => '{"action":"completed","workflow_run":{},"repository":{"id":1}}',
      /workflow_run\.id/,
    ],
    [
      'a workflow job with run id 1.5',
      'workflow_job',
      () => '{"action":"waiting","workflow_job":{"id":1,"run_id":1.5},"repository":{"id":1}}',
      /run_id/,
    ],
    [
      'a review without an installation',
      'pull_request_review',
      () =>
        '{"action":"submitted","repository":{"id":1,"name":"w","owner":{"login":"a"}},"pull_request":{"number":1}}',
      /installation/,
    ],
    [
      'a protection rule naming no repository',
      'deployment_protection_rule',
      () => '{"action":"requested","installation":{"id":1}}',
      /repository/,
    ],
  ])(
    'records a signed payload with %s as failed, for good, with the reason',
    async (_what, event, body, reason) => {
      const deliveryId = `malformed-${Math.random().toString(36).slice(2)}`;
      const before = stack.sim.requests.length;
      const response = await stack.sim.deliverRawTo('agent-dispatch', {
        event,
        body: body(),
        signature: 'sha256',
        headers: { 'x-github-delivery': deliveryId },
      });
      expect(response.status).toBe(202);
      const row = await stack.waitFor(async () => {
        const found = await stack.app.pool.query(
          'SELECT outcome, error FROM webhook_deliveries WHERE delivery_id = $1 AND processed_at IS NOT NULL',
          [deliveryId],
        );
        return found.rows[0] as { outcome: string; error: string } | undefined;
      }, 'the delivery to be recorded');
      expect(row.outcome).toBe('failed');
      expect(row.error).toMatch(reason);
      // Not retried: once the queue has let go of the job (it records the outcome just after the
      // handler's own write), nothing of it is left — no retry waiting.
      const jobs = await stack.waitFor(async () => {
        const found = await stack.app.pool.query(
          'SELECT attempts, locked_at IS NOT NULL AS locked FROM graphile_worker.jobs WHERE key = $1',
          [`delivery:${deliveryId}`],
        );
        return found.rows.some((job) => job.locked) ? undefined : found.rows;
      }, 'the queue to let go of the delivery job');
      expect(jobs).toEqual([]);
      const made = stack.sim.requests.slice(before);
      expect(made.filter((r) => r.path.includes('//') || r.unexpected)).toEqual([]);
    },
    60_000,
  );

  it('keeps the repository working after them', async () => {
    const issue = await stack.issue('After the storm');
    await stack.comment(issue, 'alice', '/agent add a file');
    expect((await ended(stack, (await taskOn(stack, issue)).id)).state).toBe('succeeded');
    expect(stack.sim.requests.filter((r) => r.path.startsWith('/repos//'))).toEqual([]);
  }, 90_000);
});
