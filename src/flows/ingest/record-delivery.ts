// Stores a verified delivery and, when it needs work, queues it (one statement: a delivery is
// never recorded without its job nor queued twice). A duplicate (same delivery id, e.g. a
// redelivery or a retry by a proxy) changes nothing.
import { classifyDelivery } from '../../core/ingest/classify-delivery.ts';
import { DELIVERY_MAX_ATTEMPTS, JOBS } from '../../core/task/follow-up-jobs.ts';
import type { Db } from '../../platform/db/pool.ts';
import { type RecordOutcome, recordDeliveryRow } from '../../store/deliveries.ts';
import type { VerifiedWebhook } from './verify-webhook.ts';

export type { RecordOutcome };

function numericId(value: unknown): number | null {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : null;
}

export async function recordDelivery(pool: Db, webhook: VerifiedWebhook): Promise<RecordOutcome> {
  const { deliveryId, event, payload } = webhook;
  const process = classifyDelivery(event, payload) === 'process';
  return recordDeliveryRow(
    pool,
    {
      deliveryId,
      event,
      action: typeof payload.action === 'string' ? payload.action : null,
      installationId: numericId(payload.installation),
      repositoryId: numericId(payload.repository),
      payload: process ? payload : null,
    },
    { task: JOBS.processDelivery, options: { maxAttempts: DELIVERY_MAX_ATTEMPTS } },
  );
}
