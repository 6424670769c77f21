// Stores verified deliveries and queues those that need work, by group commit: deliveries that
// arrive while a statement is running wait for the next one, which records all of them at once
// (one statement, one commit, one NOTIFY for the workers). Nothing is answered before the
// statement that holds its delivery has committed; a lone delivery is written at once, so a quiet
// App pays no delay for the batching. A duplicate (same delivery id, e.g. a redelivery or a retry
// by a proxy) changes nothing. The payload is made storable here, once: NUL and lone surrogates
// become U+FFFD; a payload nested too deep to store is recorded as failed, with the reason, and
// never queued (so it is neither answered 503 nor retried).
import { classifyDelivery } from '../../core/ingest/classify-delivery.ts';
import { DELIVERY_MAX_ATTEMPTS, JOBS } from '../../core/task/follow-up-jobs.ts';
import { storableJson } from '../../core/text/json-scan.ts';
import type { Db } from '../../platform/db/pool.ts';
import { type DeliveryRecord, type RecordOutcome, recordDeliveryRows } from '../../store/deliveries.ts';
import type { VerifiedWebhook } from './verify-webhook.ts';

export type { RecordOutcome };

/** Deliveries one statement records at most, and their bodies' size (a large one goes alone). */
export const MAX_BATCH = { deliveries: 200, chars: 8 * 1024 * 1024 };
/** Statements in flight at once: one commits while the next batch fills. */
const MAX_STATEMENTS = 2;

/** An id the columns can hold: a safe, positive integer (not 1.5, not 1e30, not "12"). */
function numericId(value: unknown): number | null {
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The row a verified delivery becomes: cleaned, classified, its ids read. */
export function deliveryRecord(webhook: VerifiedWebhook): DeliveryRecord {
  const cleaned = storableJson(webhook.text, webhook.payload);
  const payload = cleaned.ok ? (cleaned.value as Record<string, unknown>) : {};
  const action = typeof payload.action === 'string' ? payload.action.slice(0, 100) : null;
  const process = cleaned.ok && classifyDelivery(webhook.event, payload) === 'process';
  return {
    deliveryId: webhook.deliveryId,
    event: webhook.event,
    action,
    installationId: numericId(payload.installation),
    repositoryId: numericId(payload.repository),
    payload: process ? payload : null,
    ...(!cleaned.ok && { failure: `The payload cannot be stored: ${cleaned.reason}.` }),
  };
}

type Waiting = {
  record: DeliveryRecord;
  chars: number;
  resolve(outcome: RecordOutcome): void;
  reject(error: unknown): void;
};

export type DeliveryRecorder = {
  /** Resolves once the delivery is committed (or known to be a duplicate); rejects if it is not. */
  record(webhook: VerifiedWebhook): Promise<RecordOutcome>;
};

const JOB = { task: JOBS.processDelivery, options: { maxAttempts: DELIVERY_MAX_ATTEMPTS } };

export function createDeliveryRecorder(pool: Db): DeliveryRecorder {
  const waiting: Waiting[] = [];
  let running = 0;

  function takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    let chars = 0;
    while (waiting.length > 0 && batch.length < MAX_BATCH.deliveries) {
      const next = waiting[0]!;
      if (batch.length > 0 && chars + next.chars > MAX_BATCH.chars) break;
      batch.push(waiting.shift()!);
      chars += next.chars;
    }
    return batch;
  }

  async function write(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await recordDeliveryRows(
        pool,
        batch.map((w) => w.record),
        JOB,
      );
      for (const [i, w] of batch.entries()) w.resolve(outcomes[i]!);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One delivery the database refuses must not take its neighbours down with it: each
      // goes again on its own, and only what fails alone is answered with the error.
      await Promise.all(batch.map((w) => write([w])));
    }
  }

  function flush(): void {
    while (running < MAX_STATEMENTS && waiting.length > 0) {
      const batch = takeBatch();
      running++;
      void write(batch).finally(() => {
        running--;
        flush();
      });
    }
  }

  return {
    record(webhook) {
      const record = deliveryRecord(webhook);
      return new Promise<RecordOutcome>((resolve, reject) => {
        waiting.push({ record, chars: webhook.text.length, resolve, reject });
        flush();
      });
    },
  };
}
