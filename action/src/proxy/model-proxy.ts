// The key-holding proxy: a local HTTP server on 127.0.0.1 that the engine uses as its model
// API. The engine holds only a random dummy key; the proxy checks it, swaps in the real key and
// forwards the request to the real API, streaming the answer back unchanged. On the way it
// counts model calls, tokens and cost as the answers arrive; a model call is let through only
// when the task's turn and cost limits allow it with every call in flight counted at its worst
// case (admission.ts), and once a limit is reached the proxy answers further model calls itself
// with an API error the engine's CLI shows and stops on. A model call whose cost it cannot bound
// (a body it cannot read, no model named, a background response) is answered by it too.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Admission, type AdmissionCounts, createAdmission } from './admission.ts';
import { authoriseRequest, type ProxyDoor, type ProxyRequest } from './authorise-request.ts';
import { forwardRequest, type Upstream, upstreamOf } from './forward-request.ts';
import type { ModelLimits } from './limits.ts';
import { meterCall } from './meter-answer.ts';
import { newDummyKey } from './provider-keys.ts';
import type { ModelCall } from './provider-routes.ts';
import { limitReached, refuse, requestTooLarge } from './proxy-refusals.ts';
import { readableCall } from './readable-call.ts';
import { estimateCall } from './request-cost.ts';
import { createUsageLedger, type ProxyLog, type UsageLedger, type UsageTotals } from './usage-ledger.ts';
import type { Provider } from './usage-meter.ts';

export type { ProxyLog };

export type ProxyStats = AdmissionCounts & UsageTotals;

export type ModelProxy = {
  /** What the engine uses as its API base URL (the upstream's path prefix included). */
  baseUrl: string;
  /** The only key the engine gets. Random per run, worthless anywhere else. */
  dummyKey: string;
  stats(): ProxyStats;
  close(): Promise<void>;
};

export type ModelProxyOptions = {
  provider: Provider;
  /** The real API, e.g. https://api.anthropic.com or https://api.openai.com/v1. */
  upstream: string;
  apiKey: string;
  limits: ModelLimits;
  log: ProxyLog;
};

/** What every request of one proxy goes through. */
type ProxyParts = ProxyDoor & {
  upstream: Upstream;
  apiKey: string;
  admission: Admission;
  ledger: UsageLedger;
};

export async function startModelProxy(options: ModelProxyOptions): Promise<ModelProxy> {
  const upstream = upstreamOf(options.upstream);
  const ledger = createUsageLedger(options.log);
  const parts: ProxyParts = {
    provider: options.provider,
    dummyKey: newDummyKey(),
    prefix: upstream.prefix,
    upstream,
    apiKey: options.apiKey,
    admission: createAdmission(options.limits, ledger.spentUsd),
    ledger,
  };
  const server = createServer((req, res) => {
    handleRequest(req, res, parts).catch(() => res.destroy());
  });
  const port = await listenOnLoopback(server);
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.prefix}`,
    dummyKey: parts.dummyKey,
    stats: () => ({ ...parts.admission.counts(), ...ledger.totals() }),
    close: () => closeServer(server),
  };
}

/** A request body larger than this is refused (413), not forwarded. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

/** One request: authorise it, read it, admit a model call against the limits, forward it, meter the answer. */
async function handleRequest(req: IncomingMessage, res: ServerResponse, parts: ProxyParts): Promise<void> {
  const request = readRequest(req);
  const authorisation = authoriseRequest(request, parts);
  if (!authorisation.ok) {
    refuse(req, res, parts.provider, authorisation.refusal);
    return;
  }
  const body = await readBody(req, MAX_REQUEST_BYTES);
  if (body === 'too-large') {
    refuse(req, res, parts.provider, requestTooLarge(MAX_REQUEST_BYTES));
    return;
  }
  if (body === null) return; // the engine hung up while sending
  const forwarding = {
    upstream: parts.upstream,
    provider: parts.provider,
    apiKey: parts.apiKey,
    method: request.method,
    url: request.url,
    body,
  };
  const { route } = authorisation;
  if (route.kind === 'free-read') {
    forwardRequest(req, res, forwarding);
    return;
  }
  await forwardModelCall(req, res, parts, { ...forwarding, call: route.call });
}

/** Waits for admission (the engine hanging up meanwhile counts nothing), then forwards and meters. */
async function forwardModelCall(
  req: IncomingMessage,
  res: ServerResponse,
  parts: ProxyParts,
  forwarding: Omit<Parameters<typeof forwardRequest>[2], 'onAnswer' | 'onEnd'> & { call: ModelCall },
): Promise<void> {
  const readable = readableCall(
    parts.provider,
    forwarding.call,
    forwarding.body,
    req.headers['content-encoding'],
    MAX_REQUEST_BYTES,
  );
  if (!readable.ok) {
    refuse(req, res, parts.provider, { status: 400, message: readable.message });
    return;
  }
  const estimate = estimateCall(parts.provider, forwarding.call, readable.body);
  const hungUp = new AbortController();
  res.once('close', () => hungUp.abort());
  const admitted = await parts.admission.admit(estimate.worstUsd, hungUp.signal, estimate.model);
  if (!admitted.ok) {
    if ('hit' in admitted) refuse(req, res, parts.provider, limitReached(admitted.hit));
    return;
  }
  const { ticket } = admitted;
  const meter = meterCall({
    provider: parts.provider,
    model: estimate.model,
    requestBytes: estimate.requestBytes,
    running: ticket.running,
    record: parts.ledger.record,
  });
  forwardRequest(req, res, {
    ...forwarding,
    body: readable.body,
    bodyDecoded: true,
    onAnswer: meter.answer,
    onEnd(end) {
      meter.done(end);
      ticket.release();
    },
  });
}

/** The whole body, null when the engine hung up first, or 'too-large'. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('close', () => {
      if (!req.complete) resolve(null);
    });
    req.once('error', () => resolve(null));
  });
}

function readRequest(req: IncomingMessage): ProxyRequest {
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', 'http://proxy.invalid'),
    headers: req.headers,
  };
}

async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
