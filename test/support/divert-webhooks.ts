// Genuine webhooks the App never receives, for tests that replay or forge them: while `act` runs,
// the App's webhook URL points at a receiver that answers 200, as a host other than the App
// would. GitHub's delivery log records those deliveries as delivered, so the App's redelivery
// reconciler (a cron job, every minute) never asks for them again — unlike a delivery made
// while the App was unreachable, which it would redeliver at the next minute boundary, in the
// middle of whatever the test does next.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Simulator } from '../sim/index.ts';

export type DivertedDelivery = {
  event: string;
  guid: string;
  body: string;
  headers: http.IncomingHttpHeaders;
};

export type WebhookReceiver = {
  url: string;
  /** What arrived, oldest first. */
  received: DivertedDelivery[];
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: DivertedDelivery[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    received.push({
      event: String(req.headers['x-github-event'] ?? ''),
      guid: String(req.headers['x-github-delivery'] ?? ''),
      body: Buffer.concat(chunks).toString('utf8'),
      headers: req.headers,
    });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs `act` with the App's webhooks delivered to a receiver instead of the App; the App's
 * webhook URL is restored afterwards. `act` must wait until the deliveries it expects arrived
 * (`receiver.received`): a delivery sent after it returns goes to the App.
 */
export async function divertWebhooks<T>(
  sim: Simulator,
  slug: string,
  act: (receiver: WebhookReceiver) => Promise<T>,
): Promise<T> {
  const app = [...sim.core.store.apps.values()].find((candidate) => candidate.slug === slug);
  if (!app) throw new Error(`no App ${slug} in the simulator`);
  const original = app.webhookUrl;
  const receiver = await startWebhookReceiver();
  sim.setWebhook(slug, { url: receiver.url });
  try {
    return await act(receiver);
  } finally {
    sim.setWebhook(slug, { url: original ?? null });
    await receiver.close();
  }
}
