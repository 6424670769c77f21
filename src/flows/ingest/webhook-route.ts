// POST <WEBHOOK_PATH>: verify, record, queue, answer. Nothing slow and no GitHub call happens
// before the answer; a database failure answers 503 so GitHub records the delivery as failed
// and the redelivery reconciler can ask for it again.
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { metrics } from '../../platform/metrics/metrics.ts';
import { recordDelivery } from './record-delivery.ts';
import { verifyWebhook } from './verify-webhook.ts';

export type WebhookRouteOptions = {
  path: string;
  secret: string;
  maxBytes: number;
  pool: Db;
  log: Logger;
  accepting(): boolean;
};

export function mountWebhookRoute(app: Hono, options: WebhookRouteOptions): void {
  const { log } = options;
  app.post(
    options.path,
    bodyLimit({
      maxSize: options.maxBytes,
      onError: (c) => c.json({ error: `payload larger than ${options.maxBytes} bytes` }, 413),
    }),
    async (c) => {
      if (!options.accepting()) return c.json({ error: 'shutting down; retry later' }, 503);
      const rawBody = Buffer.from(await c.req.arrayBuffer());
      const verified = await verifyWebhook(
        options.secret,
        {
          event: c.req.header('x-github-event'),
          deliveryId: c.req.header('x-github-delivery'),
          signature256: c.req.header('x-hub-signature-256'),
        },
        rawBody,
      );
      if (!verified.ok) {
        log.warn(
          { reason: verified.reason, deliveryId: c.req.header('x-github-delivery') },
          'webhook refused',
        );
        // Unverified requests name any event they like: one label for all of them.
        metrics.webhooks.inc({ event: 'unverified', outcome: 'refused' });
        return c.json({ error: verified.reason }, verified.status);
      }
      const fields = { deliveryId: verified.deliveryId, event: verified.event };
      try {
        const outcome = await recordDelivery(options.pool, verified);
        if (outcome === 'failed')
          log.warn(fields, 'webhook recorded as failed: its payload cannot be stored');
        else log.debug({ ...fields, outcome }, 'webhook recorded');
        metrics.webhooks.inc({ event: verified.event, outcome: String(outcome) });
        return c.json({ outcome }, 202);
      } catch (error) {
        log.error({ ...fields, err: error }, 'webhook could not be recorded');
        metrics.webhooks.inc({ event: verified.event, outcome: 'unavailable' });
        return c.json({ error: 'could not record the delivery; it will be redelivered' }, 503);
      }
    },
  );
}
