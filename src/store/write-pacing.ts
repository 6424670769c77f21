// The write-pacing buckets in Postgres, shared by every replica: a reservation locks the
// installation's row, decides with the pure `reserveSlot` on the database's clock, and stores
// the next state — so processes on different hosts agree on one schedule.

import { type Pacing, reserveSlot } from '../core/pacing/write-pacing.ts';
import type { Db } from '../platform/db/pool.ts';
import { inTransaction } from './transactions.ts';

/** The next slot is further away than the caller will wait; nothing was reserved. */
export class SlotTooFar extends Error {
  readonly waitMs: number;
  constructor(waitMs: number) {
    super(`the next slot is ${Math.ceil(waitMs / 1000)} s away`);
    this.waitMs = waitMs;
  }
}

type Row = { minute_tat: Date; hour_tat: Date; paused_until: Date | null; now: Date };

/**
 * Reserves a slot for one content-creating request and returns how long to wait before sending
 * it. When the slot is further away than `maxWaitMs`, nothing is reserved and `SlotTooFar` is
 * thrown: the job is put back in the queue for that time instead of parking a worker.
 */
export async function reserveWriteSlot(
  db: Db,
  key: string,
  pacing: Pacing,
  maxWaitMs: number,
): Promise<number> {
  return inTransaction(db, async (client) => {
    await client.query(
      `INSERT INTO github_write_pacing (key, minute_tat, hour_tat)
       VALUES ($1, clock_timestamp(), clock_timestamp()) ON CONFLICT (key) DO NOTHING`,
      [key],
    );
    const found = await client.query<Row>(
      `SELECT minute_tat, hour_tat, paused_until, clock_timestamp() AS now
         FROM github_write_pacing WHERE key = $1 FOR UPDATE`,
      [key],
    );
    const row = found.rows[0];
    if (!row) throw new Error(`write pacing row ${key} vanished`);
    const now = row.now.getTime();
    const reservation = reserveSlot(
      {
        minuteTat: row.minute_tat.getTime(),
        hourTat: row.hour_tat.getTime(),
        pausedUntil: row.paused_until?.getTime() ?? null,
      },
      now,
      pacing,
    );
    if (reservation.waitMs > maxWaitMs) throw new SlotTooFar(reservation.waitMs);
    const next = reservation.next;
    await client.query(
      `UPDATE github_write_pacing
          SET minute_tat = $2, hour_tat = $3, paused_until = $4, updated_at = clock_timestamp()
        WHERE key = $1`,
      [
        key,
        new Date(next.minuteTat),
        new Date(next.hourTat),
        next.pausedUntil === null ? null : new Date(next.pausedUntil),
      ],
    );
    return reservation.waitMs;
  });
}

/** GitHub said to hold off: no replica sends a content-creating request for `key` before then. */
export async function pauseWrites(db: Db, key: string, pauseMs: number): Promise<void> {
  await db.query(
    `INSERT INTO github_write_pacing AS p (key, minute_tat, hour_tat, paused_until)
     VALUES ($1, clock_timestamp(), clock_timestamp(), clock_timestamp() + $2 * interval '1 millisecond')
     ON CONFLICT (key) DO UPDATE
       SET paused_until = greatest(p.paused_until, EXCLUDED.paused_until), updated_at = clock_timestamp()`,
    [key, pauseMs],
  );
}
