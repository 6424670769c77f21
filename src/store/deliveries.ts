// Webhook deliveries: every verified delivery is recorded by its delivery id (unique, so a
// redelivery or a duplicate is a no-op); those that need work carry their payload and a queue job
// until they are processed.
import type { JobOptions } from '../core/task/follow-up-jobs.ts';
import type { Queryable } from '../platform/db/pool.ts';

export type DeliveryRecord = {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  /** Stored only when the delivery needs work; null for one recorded as ignored. */
  payload: Record<string, unknown> | null;
  /** Set when the delivery can never be processed: recorded as failed with this reason. */
  failure?: string;
};

export type RecordOutcome = 'queued' | 'ignored' | 'failed' | 'duplicate';

/**
 * Stores a delivery and, when it carries a payload, queues its job — in one SQL statement (atomic
 * on its own, one round trip): a delivery is never recorded without its job nor queued twice.
 */
export async function recordDeliveryRow(
  db: Queryable,
  delivery: DeliveryRecord,
  job: { task: string; options: Required<Pick<JobOptions, 'maxAttempts'>> },
): Promise<RecordOutcome> {
  const process = delivery.payload !== null && delivery.failure === undefined;
  const outcome = delivery.failure !== undefined ? 'failed' : process ? 'pending' : 'ignored';
  const result = await db.query<{ inserted: number; queued: number }>(
    `WITH inserted AS (
       INSERT INTO webhook_deliveries
         (delivery_id, event, action, installation_id, repository_id, payload, outcome, processed_at, error)
       VALUES ($1, $2, $3, $4, $5, $6, $10, CASE WHEN $7 THEN NULL ELSE now() END, $11)
       ON CONFLICT (delivery_id) DO NOTHING
       RETURNING delivery_id
     ), queued AS (
       SELECT graphile_worker.add_job(
         identifier => $8, payload => json_build_object('deliveryId', delivery_id),
         max_attempts => $9, job_key => 'delivery:' || delivery_id)
       FROM inserted WHERE $7
     )
     SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM queued)::int AS queued`,
    [
      delivery.deliveryId,
      delivery.event,
      delivery.action,
      delivery.installationId,
      delivery.repositoryId,
      process ? delivery.payload : null,
      process,
      job.task,
      job.options.maxAttempts,
      outcome,
      delivery.failure?.slice(0, 2000) ?? null,
    ],
  );
  const row = result.rows[0];
  if (!row || row.inserted === 0) return 'duplicate';
  if (delivery.failure !== undefined) return 'failed';
  return row.queued > 0 ? 'queued' : 'ignored';
}

export type PendingDelivery = { event: string; payload: Record<string, unknown> };

/** A delivery still to be processed, with its payload; undefined when it is done or unknown. */
export async function pendingDelivery(
  db: Queryable,
  deliveryId: string,
): Promise<PendingDelivery | undefined> {
  const found = await db.query(
    'SELECT event, payload, processed_at FROM webhook_deliveries WHERE delivery_id = $1',
    [deliveryId],
  );
  const row = found.rows[0];
  if (!row || row.processed_at) return undefined;
  return { event: row.event, payload: row.payload };
}

export async function markDeliveryProcessed(
  db: Queryable,
  deliveryId: string,
  outcome: 'processed' | 'failed',
  error?: string,
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET processed_at = now(), outcome = $2, error = $3 WHERE delivery_id = $1`,
    [deliveryId, outcome, error?.slice(0, 2000) ?? null],
  );
}

/** Of these delivery ids, those that reached the App. */
export async function receivedDeliveries(db: Queryable, guids: string[]): Promise<Set<string>> {
  if (guids.length === 0) return new Set();
  const found = await db.query<{ delivery_id: string }>(
    'SELECT delivery_id FROM webhook_deliveries WHERE delivery_id = ANY($1)',
    [guids],
  );
  return new Set(found.rows.map((row) => row.delivery_id));
}

/** Deliveries received longer than `olderThanMs` ago and still not processed, oldest first. */
export async function unprocessedDeliveries(
  db: Queryable,
  olderThanMs: number,
  limit: number,
): Promise<string[]> {
  const stale = await db.query<{ delivery_id: string }>(
    `SELECT delivery_id FROM webhook_deliveries
      WHERE processed_at IS NULL AND received_at < now() - $1 * interval '1 millisecond'
      ORDER BY received_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return stale.rows.map((row) => row.delivery_id);
}
