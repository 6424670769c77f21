// A tiny HTTP forwarder in front of several App replicas: each request goes to the next replica
// in turn; a replica that refuses the connection (it is down or restarting) is skipped. Webhooks
// from the simulator and the jobs' runner-API calls both come through it, as through a load
// balancer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RoundRobinProxy = {
  url: string;
  /** The replicas' base URLs; change at any time. */
  backends: string[];
  close(): Promise<void>;
};

function forward(backend: string, req: http.IncomingMessage, body: Buffer): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = new URL(req.url ?? '/', backend);
    const outgoing = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host }, timeout: 60_000 },
      resolve,
    );
    outgoing.once('error', reject);
    outgoing.once('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.end(body);
  });
}

export async function startRoundRobinProxy(backends: string[] = []): Promise<RoundRobinProxy> {
  let next = 0;
  const proxy: RoundRobinProxy = { url: '', backends, close: async () => {} };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const candidates = proxy.backends.length;
    for (let tried = 0; tried < candidates; tried++) {
      const backend = proxy.backends[next++ % proxy.backends.length]!;
      let answer: http.IncomingMessage;
      try {
        answer = await forward(backend, req, body);
      } catch (error) {
        // Not even connected (the replica is down): the next one gets the request.
        if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') continue;
        res.writeHead(502).end(String((error as Error).message));
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      return;
    }
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"no replica is up"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
