// A real webhook endpoint for tests: verifies each delivery with @octokit/webhooks and keeps it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhooks } from '@octokit/webhooks';

export type Received = {
  event: string;
  action: string | undefined;
  delivery: string;
  headers: Record<string, string>;
  raw: string;
  payload: Record<string, unknown>;
  verified: boolean;
};

export type WebhookReceiver = {
  url: string;
  received: Received[];
  /** The status the receiver answers with (default 200). */
  status: number;
  close(): Promise<void>;
};

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const webhooks = new Webhooks({ secret });
  const receiver: WebhookReceiver = { url: '', received: [], status: 200, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['x-hub-signature-256'] ?? '');
      const verified = signature ? await webhooks.verify(raw, signature) : false;
      const payload = JSON.parse(raw) as Record<string, unknown>;
      receiver.received.push({
        event: String(req.headers['x-github-event']),
        action: typeof payload.action === 'string' ? payload.action : undefined,
        delivery: String(req.headers['x-github-delivery']),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        raw,
        payload,
        verified,
      });
      res.writeHead(receiver.status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}
