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
 * Stores deliveries and queues a job for each one that carries a payload — the whole batch in
 * one SQL statement (atomic on its own, one round trip, one commit, one NOTIFY for the workers
 * through graphile-worker's `add_jobs`): a delivery is never recorded without its job nor queued
 * twice. Outcomes come back in the order of `deliveries`; a delivery id seen earlier (in the
 * table, or earlier in the batch) is a duplicate.
 */
export async function recordDeliveryRows(
  db: Queryable,
  deliveries: DeliveryRecord[],
  job: { task: string; options: Required<Pick<JobOptions, 'maxAttempts'>> },
): Promise<RecordOutcome[]> {
  const rows = deliveries.map((delivery) => {
    const process = delivery.payload !== null && delivery.failure === undefined;
    return {
      delivery_id: delivery.deliveryId,
      event: delivery.event,
      action: delivery.action,
      installation_id: delivery.installationId,
      repository_id: delivery.repositoryId,
      payload: process ? delivery.payload : null,
      process,
      outcome: delivery.failure !== undefined ? 'failed' : process ? 'pending' : 'ignored',
      error: delivery.failure?.slice(0, 2000) ?? null,
    };
  });
  const result = await db.query<{ delivery_id: string }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(delivery_id text, event text, action text,
         installation_id bigint, repository_id bigint, payload jsonb, process boolean, outcome text, error text)
     ), inserted AS (
       INSERT INTO webhook_deliveries
         (delivery_id, event, action, installation_id, repository_id, payload, outcome, processed_at, error)
       SELECT delivery_id, event, action, installation_id, repository_id, payload, outcome,
              CASE WHEN process THEN NULL ELSE now() END, error
         FROM input
       ON CONFLICT (delivery_id) DO NOTHING
       RETURNING delivery_id, processed_at IS NULL AS process
     ), specs AS (
       SELECT array_agg(ROW($2::text, json_build_object('deliveryId', delivery_id), NULL, NULL, $3::int,
                'delivery:' || delivery_id, NULL, NULL)::graphile_worker.job_spec) AS specs
         FROM inserted WHERE process
     ), queued AS (
       SELECT count(*) AS n FROM specs, LATERAL graphile_worker.add_jobs(specs.specs) WHERE specs.specs IS NOT NULL
     )
     SELECT inserted.delivery_id FROM inserted, queued`,
    [JSON.stringify(rows), job.task, job.options.maxAttempts],
  );
  const inserted = new Set(result.rows.map((row) => row.delivery_id));
  return rows.map((row) => {
    // Only the first of a batch's copies of an id is the one inserted.
    if (!inserted.delete(row.delivery_id)) return 'duplicate';
    if (row.outcome === 'failed') return 'failed';
    return row.process ? 'queued' : 'ignored';
  });
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
