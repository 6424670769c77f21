// Processes a recorded delivery in the queue: hands the event to the webhook handlers (Probot's
// router, src/boot/webhook-handlers.ts), then marks it processed. A delivery whose processing
// gives up is marked failed with the reason; one already processed is skipped.
import type { Probot } from 'probot';
import { markDeliveryProcessed, pendingDelivery } from '../../store/deliveries.ts';
import type { AppDeps } from '../app-deps.ts';

export async function processDelivery(deps: AppDeps, probot: Probot, deliveryId: string): Promise<void> {
  const delivery = await pendingDelivery(deps.pool, deliveryId);
  if (!delivery) return;
  await probot.receive({ id: deliveryId, name: delivery.event, payload: delivery.payload } as never);
  await markDeliveryProcessed(deps.pool, deliveryId, 'processed');
}

export async function deliveryFailed(deps: AppDeps, deliveryId: string, error: unknown): Promise<void> {
  await markDeliveryProcessed(deps.pool, deliveryId, 'failed', String((error as Error)?.message ?? error));
}
