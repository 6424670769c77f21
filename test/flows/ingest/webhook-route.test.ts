import { sign } from '@octokit/webhooks-methods';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_WEBHOOK_SECRET } from '../../support/app-config.ts';
import { startWebhookApp, type WebhookApp } from './support/webhook-app.ts';

// No workers run jobs here (empty task list), so queued jobs stay visible in the queue table.
describe('POST /api/github/webhooks', () => {
  let endpoint: WebhookApp;
  let sql: pg.Pool;
  const post = (body: string, headers: Record<string, string>) => endpoint.post(body, headers);
  const signed = (id: string, event: string, payload: object) => endpoint.signed(id, event, payload);

  beforeAll(async () => {
    endpoint = await startWebhookApp({ WEBHOOK_MAX_BYTES: '4096' });
    sql = endpoint.sql;
  });
  afterAll(async () => {
    await endpoint?.stop();
  });

  const countDeliveries = async (id: string) =>
    (await sql.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivery_id = $1', [id]))
      .rows[0].n;
  const countJobs = async (id: string) =>
    (
      await sql.query(`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'delivery:' || $1`, [
        id,
      ])
    ).rows[0].n;

  const command = { action: 'created', comment: { body: '/agent add tests' }, installation: { id: 5 } };

  it('records and queues a command comment, answering 202', async () => {
    const response = await signed('d-queued', 'issue_comment', command);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ outcome: 'queued' });
    const row = await sql.query(
      'SELECT event, action, installation_id, outcome FROM webhook_deliveries WHERE delivery_id = $1',
      ['d-queued'],
    );
    expect(row.rows).toEqual([
      { event: 'issue_comment', action: 'created', installation_id: '5', outcome: 'pending' },
    ]);
    expect(await countJobs('d-queued')).toBe(1);
  });

  it('records an irrelevant event without queueing it or keeping its payload', async () => {
    const response = await signed('d-ignored', 'issue_comment', {
      action: 'deleted',
      comment: { body: '/agent x' },
    });
    expect(await response.json()).toEqual({ outcome: 'ignored' });
    const row = await sql.query('SELECT payload, outcome FROM webhook_deliveries WHERE delivery_id = $1', [
      'd-ignored',
    ]);
    expect(row.rows).toEqual([{ payload: null, outcome: 'ignored' }]);
    expect(await countJobs('d-ignored')).toBe(0);
  });

  it('stores and queues one copy of a delivery sent 10 times at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => signed('d-dup', 'issue_comment', command)),
    );
    const outcomes = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { outcome: string }).outcome),
    );
    expect(outcomes.filter((o) => o === 'queued')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(9);
    expect(await countDeliveries('d-dup')).toBe(1);
    expect(await countJobs('d-dup')).toBe(1);
  });

  it.each([
    ['unsigned', {}],
    ['sha1-only', { 'x-hub-signature': 'sha1=0123456789abcdef0123456789abcdef01234567' }],
  ])('refuses an %s delivery with 401 and stores nothing', async (name, extra) => {
    const id = `d-${name}`;
    const response = await post(JSON.stringify(command), {
      'x-github-event': 'issue_comment',
      'x-github-delivery': id,
      ...extra,
    });
    expect(response.status).toBe(401);
    expect(await countDeliveries(id)).toBe(0);
  });

  it('refuses a delivery signed with the wrong secret', async () => {
    const body = JSON.stringify(command);
    const response = await post(body, {
      'x-github-event': 'issue_comment',
      'x-github-delivery': 'd-wrong',
      'x-hub-signature-256': await sign('not-the-secret-at-all', body),
    });
    expect(response.status).toBe(401);
    expect(await countDeliveries('d-wrong')).toBe(0);
  });

  it('refuses a body re-serialized after signing', async () => {
    const original = JSON.stringify(command, null, 2);
    const response = await post(JSON.stringify(command), {
      'x-github-event': 'issue_comment',
      'x-github-delivery': 'd-reserialized',
      'x-hub-signature-256': await sign(TEST_WEBHOOK_SECRET, original),
    });
    expect(response.status).toBe(401);
    expect(await countDeliveries('d-reserialized')).toBe(0);
  });

  it('refuses a body above the size cap with 413 and stores nothing', async () => {
    const big = { ...command, comment: { body: `/agent ${'x'.repeat(5000)}` } };
    const response = await signed('d-big', 'issue_comment', big);
    expect(response.status).toBe(413);
    expect(await countDeliveries('d-big')).toBe(0);
  });
});
