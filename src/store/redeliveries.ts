// What the redelivery reconciler asked GitHub for, and how far back its scans reached.
import type { PreviousRequest, Redelivery } from '../core/reconcile/decide-redeliveries.ts';
import type { Queryable } from '../platform/db/pool.ts';

export async function dbNow(db: Queryable): Promise<Date> {
  const found = await db.query<{ now: Date }>('SELECT now() AS now');
  return found.rows[0]!.now;
}

/** Where a scan starts: the window's start, or the last complete scan less an overlap. */
export async function scanFloor(db: Queryable, windowHours: number, overlapMs: number): Promise<Date> {
  const found = await db.query<{ floor: Date }>(
    `SELECT greatest(now() - $1 * interval '1 hour',
                     (SELECT scanned_to FROM webhook_delivery_scans WHERE id = 1) - $2 * interval '1 millisecond') AS floor`,
    [windowHours, overlapMs],
  );
  return found.rows[0]!.floor;
}

export async function saveScan(db: Queryable, scannedTo: Date): Promise<void> {
  await db.query(
    `INSERT INTO webhook_delivery_scans (id, scanned_to) VALUES (1, $1)
     ON CONFLICT (id) DO UPDATE SET scanned_to = EXCLUDED.scanned_to, updated_at = now()`,
    [scannedTo],
  );
}

export async function previousRequests(
  db: Queryable,
  guids: string[],
): Promise<Map<string, PreviousRequest>> {
  if (guids.length === 0) return new Map();
  const found = await db.query<{ delivery_guid: string; last_attempt_id: string; requests: number }>(
    'SELECT delivery_guid, last_attempt_id, requests FROM webhook_redeliveries WHERE delivery_guid = ANY($1)',
    [guids],
  );
  return new Map(
    found.rows.map((row) => [
      row.delivery_guid,
      { lastAttemptId: Number(row.last_attempt_id), requests: row.requests },
    ]),
  );
}

export async function rememberRedelivery(db: Queryable, redelivery: Redelivery): Promise<void> {
  await db.query(
    `INSERT INTO webhook_redeliveries AS r (delivery_guid, event, last_attempt_id)
     VALUES ($1, $2, $3)
     ON CONFLICT (delivery_guid) DO UPDATE
       SET last_attempt_id = EXCLUDED.last_attempt_id, requests = r.requests + 1, last_requested_at = now()`,
    [redelivery.guid, redelivery.event, redelivery.attemptId],
  );
}
