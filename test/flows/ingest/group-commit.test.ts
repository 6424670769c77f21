// Group commit at the webhook endpoint: deliveries that arrive while a statement runs share the
// next one (one statement and one NOTIFY for many deliveries), none is answered before the
// statement holding it has committed, and a delivery the database refuses fails alone.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../../support/database.ts';
import { startWebhookApp, type WebhookApp } from './support/webhook-app.ts';

const command = (n: number) => ({
  action: 'created',
  comment: { id: n, body: '/agent add tests' },
  installation: { id: 5 },
});

describe('group commit of webhook deliveries', () => {
  let endpoint: WebhookApp;
  let sql: pg.Pool;
  const deliver = (id: string, payload: object) => endpoint.signed(id, 'issue_comment', payload);

  beforeAll(async () => {
    endpoint = await startWebhookApp();
    sql = endpoint.sql;
  });
  afterAll(async () => {
    await endpoint?.stop();
  });

  const stored = async (id: string) =>
    (
      await sql.query(
        `SELECT (SELECT count(*)::int FROM webhook_deliveries WHERE delivery_id = $1) AS deliveries,
                (SELECT count(*)::int FROM graphile_worker.jobs WHERE key = 'delivery:' || $1) AS jobs`,
        [id],
      )
    ).rows[0] as { deliveries: number; jobs: number };

  /** Holds every insert into webhook_deliveries until `release()`: a slow commit, on demand. */
  async function blockInserts() {
    const blocker = await sql.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE webhook_deliveries IN SHARE MODE');
    return {
      async release() {
        await blocker.query('COMMIT');
        blocker.release();
      },
    };
  }

  /** Until `n` statements of the App wait on the lock. */
  async function statementsWaiting(n: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const waiting = await sql.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE wait_event_type = 'Lock' AND application_name = 'agent-dispatch'`,
      );
      if (waiting.rows[0].n >= n) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`fewer than ${n} statements waited on the lock`);
  }

  /** Counts the queue's NOTIFYs; `count()` first waits for all sent by transactions committed before it. */
  async function listen() {
    const client = await testClient(endpoint.db.url);
    let notifications = 0;
    let sentinel: (() => void) | undefined;
    client.on('notification', (message) => {
      if (message.payload === 'sentinel') sentinel?.();
      else notifications++;
    });
    await client.query('LISTEN "jobs:insert"');
    return {
      // Notifications arrive in commit order: once our own comes back, every earlier one has.
      async count() {
        const arrived = new Promise<void>((resolve) => {
          sentinel = resolve;
        });
        await sql.query(`SELECT pg_notify('jobs:insert', 'sentinel')`);
        await arrived;
        return notifications;
      },
      close: () => client.end(),
    };
  }

  it('answers no delivery before its statement commits, and records many in a few statements', async () => {
    const jobs = await listen();
    const block = await blockInserts();
    const ids = Array.from({ length: 12 }, (_, n) => `gc-${n}`);
    const answered: string[] = [];
    // Each delivery, once answered, must already be visible to another connection.
    const seenAtAnswer = new Map<string, { deliveries: number; jobs: number }>();
    const responses = ids.map((id, n) =>
      deliver(id, command(n)).then(async (response) => {
        answered.push(id);
        seenAtAnswer.set(id, await stored(id));
        return response;
      }),
    );
    // Let every request reach the App and wait on the database.
    await statementsWaiting(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toEqual([]);

    await block.release();
    const statuses = await Promise.all(responses.map(async (r) => (await r).status));
    expect(statuses).toEqual(ids.map(() => 202));
    for (const id of ids) expect(seenAtAnswer.get(id)).toEqual({ deliveries: 1, jobs: 1 });
    // Two statements were waiting on the lock and the other deliveries went in one more (three
    // NOTIFYs, not twelve); the bound leaves room for a request the loaded machine let reach the App
    // only after the release, which takes a statement of its own.
    const notifications = await jobs.count();
    expect(notifications).toBeGreaterThan(0);
    expect(notifications).toBeLessThanOrEqual(ids.length / 2);
    await jobs.close();
  }, 30_000);

  it('fails only the delivery the database refuses, not the others of its batch', async () => {
    await sql.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.delivery_id = 'gc-poison' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
    await sql.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON webhook_deliveries
      FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      const block = await blockInserts();
      // Two deliveries take the two statements that may run at once; the five after them share one.
      const fillers = ['gc-fill-1', 'gc-fill-2'].map((id, n) => deliver(id, command(90 + n)));
      await statementsWaiting(2);
      const ids = ['gc-a', 'gc-b', 'gc-poison', 'gc-c', 'gc-d'];
      const responses = ids.map((id, n) => deliver(id, command(100 + n)));
      await new Promise((resolve) => setTimeout(resolve, 500));
      await block.release();
      const statuses = await Promise.all(responses.map(async (r) => (await r).status));
      expect(await Promise.all(fillers.map(async (r) => (await r).status))).toEqual([202, 202]);
      expect(Object.fromEntries(ids.map((id, i) => [id, statuses[i]]))).toEqual({
        'gc-a': 202,
        'gc-b': 202,
        'gc-poison': 503,
        'gc-c': 202,
        'gc-d': 202,
      });
      expect(await stored('gc-poison')).toEqual({ deliveries: 0, jobs: 0 });
      for (const id of ['gc-a', 'gc-b', 'gc-c', 'gc-d'])
        expect(await stored(id)).toEqual({ deliveries: 1, jobs: 1 });
    } finally {
      await sql.query('DROP TRIGGER refuse_poison ON webhook_deliveries');
      await sql.query('DROP FUNCTION refuse_poison()');
    }
  }, 30_000);
});
