// The queue's job handlers, by name.
import type { TaskList } from 'graphile-worker';
import type { Db } from '../db/pool.ts';
import { PROCESS_DELIVERY_JOB } from '../ingest/record-delivery.ts';
import type { Logger } from '../logging/create-logger.ts';

export function appTasks(deps: { pool: Db; log: Logger }): TaskList {
  return {
    [PROCESS_DELIVERY_JOB]: async (payload) => {
      const { deliveryId } = payload as { deliveryId: string };
      await deps.pool.query(
        `UPDATE webhook_deliveries SET processed_at = now(), outcome = 'processed' WHERE delivery_id = $1`,
        [deliveryId],
      );
    },
  };
}
