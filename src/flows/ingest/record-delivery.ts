// Stores a verified delivery and, when it needs work, queues it — in one SQL statement (atomic
// on its own, one round trip): a delivery is never recorded without its job nor queued twice. A
// duplicate (same delivery id, e.g. a redelivery or a retry by a proxy) changes nothing.

import { classifyDelivery } from '../../core/ingest/classify-delivery.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { VerifiedWebhook } from './verify-webhook.ts';

export const PROCESS_DELIVERY_JOB = 'process-delivery';
const MAX_ATTEMPTS = 10;

export type RecordOutcome = 'queued' | 'ignored' | 'duplicate';

function numericId(value: unknown): number | null {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

export async function recordDelivery(pool: Db, webhook: VerifiedWebhook): Promise<RecordOutcome> {
  const { deliveryId, event, payload } = webhook;
  const process = classifyDelivery(event, payload) === 'process';
  const result = await pool.query<{ inserted: number; queued: number }>(
    `WITH inserted AS (
       INSERT INTO webhook_deliveries
         (delivery_id, event, action, installation_id, repository_id, payload, outcome, processed_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN 'pending' ELSE 'ignored' END,
               CASE WHEN $7 THEN NULL ELSE now() END)
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
      deliveryId,
      event,
      typeof payload.action === 'string' ? payload.action : null,
      numericId(payload.installation),
      numericId(payload.repository),
      process ? payload : null,
      process,
      PROCESS_DELIVERY_JOB,
      MAX_ATTEMPTS,
    ],
  );
  const row = result.rows[0];
  if (!row || row.inserted === 0) return 'duplicate';
  return row.queued > 0 ? 'queued' : 'ignored';
}
