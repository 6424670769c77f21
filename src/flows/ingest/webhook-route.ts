// POST <WEBHOOK_PATH>: verify, record, queue, answer. Nothing slow and no GitHub call happens
// before the answer, and no answer before the delivery is committed (deliveries arriving together
// share one statement: record-delivery.ts); a database failure answers 503 so GitHub records the
// delivery as failed and the redelivery reconciler can ask for it again.
//
// The route is plain node:http, ahead of the web framework (http-app.ts): it is the App's hottest
// path, and reading a body through web streams cost more than everything else it does.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { metrics } from '../../platform/metrics/metrics.ts';
import { createDeliveryRecorder } from './record-delivery.ts';
import { verifyWebhook } from './verify-webhook.ts';

export type WebhookRouteOptions = {
  path: string;
  secret: string;
  maxBytes: number;
  pool: Db;
  log: Logger;
  accepting(): boolean;
};

export type WebhookHandler = {
  /** Whether this request is the webhook route's. */
  matches(req: IncomingMessage): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void;
};

function answer(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The body, or undefined when it is larger than `maxBytes` (answered 413 then). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function createWebhookRoute(options: WebhookRouteOptions): WebhookHandler {
  const { log } = options;
  const recorder = createDeliveryRecorder(options.pool);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req, options.maxBytes);
    if (rawBody === undefined)
      return answer(res, 413, { error: `payload larger than ${options.maxBytes} bytes` });
    if (!options.accepting()) return answer(res, 503, { error: 'shutting down; retry later' });
    const verified = await verifyWebhook(
      options.secret,
      {
        event: header(req, 'x-github-event'),
        deliveryId: header(req, 'x-github-delivery'),
        signature256: header(req, 'x-hub-signature-256'),
      },
      rawBody,
    );
    if (!verified.ok) {
      log.warn({ reason: verified.reason, deliveryId: header(req, 'x-github-delivery') }, 'webhook refused');
      // Unverified requests name any event they like: one label for all of them.
      metrics.webhooks.inc({ event: 'unverified', outcome: 'refused' });
      return answer(res, verified.status, { error: verified.reason });
    }
    const fields = { deliveryId: verified.deliveryId, event: verified.event };
    try {
      const outcome = await recorder.record(verified);
      if (outcome === 'failed') log.warn(fields, 'webhook recorded as failed: its payload cannot be stored');
      else log.debug({ ...fields, outcome }, 'webhook recorded');
      metrics.webhooks.inc({ event: verified.event, outcome: String(outcome) });
      return answer(res, 202, { outcome });
    } catch (error) {
      log.error({ ...fields, err: error }, 'webhook could not be recorded');
      metrics.webhooks.inc({ event: verified.event, outcome: 'unavailable' });
      return answer(res, 503, { error: 'could not record the delivery; it will be redelivered' });
    }
  }

  return {
    matches(req) {
      if (req.method !== 'POST' || !req.url) return false;
      const query = req.url.indexOf('?');
      return (query < 0 ? req.url : req.url.slice(0, query)) === options.path;
    },
    handle(req, res) {
      handle(req, res).catch((error: unknown) => {
        log.error({ err: error }, 'webhook request failed');
        if (!res.headersSent) answer(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    },
  };
}
