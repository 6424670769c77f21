// Stores a verified delivery and, when it needs work, queues it (one statement: a delivery is
// never recorded without its job nor queued twice). A duplicate (same delivery id, e.g. a
// redelivery or a retry by a proxy) changes nothing. The payload is made storable here, once: NUL
// and lone surrogates become U+FFFD; a payload nested too deep to store is recorded as failed,
// with the reason, and never queued (so it is neither answered 503 nor retried).
import { classifyDelivery } from '../../core/ingest/classify-delivery.ts';
import { DELIVERY_MAX_ATTEMPTS, JOBS } from '../../core/task/follow-up-jobs.ts';
import { cleanJson } from '../../core/text/well-formed.ts';
import type { Db } from '../../platform/db/pool.ts';
import { type RecordOutcome, recordDeliveryRow } from '../../store/deliveries.ts';
import type { VerifiedWebhook } from './verify-webhook.ts';

export type { RecordOutcome };

/** An id the columns can hold: a safe, positive integer (not 1.5, not 1e30, not "12"). */
function numericId(value: unknown): number | null {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

export async function recordDelivery(pool: Db, webhook: VerifiedWebhook): Promise<RecordOutcome> {
  const { deliveryId, event } = webhook;
  const cleaned = cleanJson(webhook.payload);
  const payload = cleaned.ok ? (cleaned.value as Record<string, unknown>) : {};
  const action = typeof payload.action === 'string' ? payload.action.slice(0, 100) : null;
  const process = cleaned.ok && classifyDelivery(event, payload) === 'process';
  return recordDeliveryRow(
    pool,
    {
      deliveryId,
      event,
      action,
      installationId: numericId(payload.installation),
      repositoryId: numericId(payload.repository),
      payload: process ? payload : null,
      ...(!cleaned.ok && { failure: `The payload cannot be stored: ${cleaned.reason}.` }),
    },
    { task: JOBS.processDelivery, options: { maxAttempts: DELIVERY_MAX_ATTEMPTS } },
  );
}
