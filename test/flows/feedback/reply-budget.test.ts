import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimReply } from '../../../src/flows/feedback/reply-budget.ts';
import { createAppDatabase } from '../../support/database.ts';

describe('claimReply', () => {
  let db: Awaited<ReturnType<typeof createAppDatabase>>;
  beforeAll(async () => {
    db = await createAppDatabase();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  const claim = (deliveryId: string, userId = 1, perHour = 3) =>
    claimReply(db.pool, { deliveryId, repoId: 10, userId, perHour });

  it('grants a user perHour replies, marks the last, then refuses until the first is an hour old', async () => {
    expect(await claim('a')).toMatchObject({ allowed: true, last: false });
    expect(await claim('b')).toMatchObject({ allowed: true, last: false });
    const third = await claim('c');
    expect(third).toMatchObject({ allowed: true, last: true });
    const refused = await claim('d');
    expect(refused.allowed).toBe(false);
    // The slot frees when the oldest reply of the hour turns an hour old.
    const first = await db.pool.query(`SELECT created_at FROM command_replies WHERE delivery_id = 'a'`);
    expect(refused.resetAt.getTime()).toBe(first.rows[0].created_at.getTime() + 3_600_000);

    await db.pool.query(
      `UPDATE command_replies SET created_at = now() - interval '61 minutes' WHERE delivery_id = 'a'`,
    );
    expect(await claim('d')).toMatchObject({ allowed: true, last: true });
  });

  it('keeps the slot of a delivery whose job is retried, and counts users apart', async () => {
    expect(await claim('x', 2)).toMatchObject({ allowed: true, last: false });
    expect(await claim('x', 2)).toMatchObject({ allowed: true, last: false });
    expect(await claim('y', 2)).toMatchObject({ allowed: true, last: false });
    const counted = await db.pool.query('SELECT count(*)::int AS n FROM command_replies WHERE user_id = 2');
    expect(counted.rows[0].n).toBe(2);
  });

  it('lets exactly perHour of many simultaneous claims through', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => claim(`burst-${i}`, 3, 5)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.filter((r) => r.allowed && r.last)).toHaveLength(1);
  });
});
