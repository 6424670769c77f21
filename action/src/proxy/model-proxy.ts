// The key-holding proxy: a local HTTP server on 127.0.0.1 that the engine uses as its model
// API. The engine holds only a random dummy key; the proxy checks it, swaps in the real key and
// forwards the request to the real API, streaming the answer back unchanged. On the way it
// counts model calls, tokens and cost, and once the task's turn or cost limit is reached it
// answers further model calls itself with an API error the engine's CLI shows and stops on.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Admission, type AdmissionCounts, createAdmission } from './admission.ts';
import { authoriseRequest, type ProxyDoor, type ProxyRequest } from './authorise-request.ts';
import { forwardRequest, type Upstream, upstreamOf } from './forward-request.ts';
import type { ModelLimits } from './limits.ts';
import { meterAnswer } from './meter-answer.ts';
import { newDummyKey } from './provider-keys.ts';
import { limitReached, refuse } from './proxy-refusals.ts';
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
  const server = createServer((req, res) => handleRequest(req, res, parts));
  const port = await listenOnLoopback(server);
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.prefix}`,
    dummyKey: parts.dummyKey,
    stats: () => ({ ...parts.admission.counts(), ...ledger.totals() }),
    close: () => closeServer(server),
  };
}

/** One request: authorise it, admit a model call against the limits, forward it, meter the answer. */
function handleRequest(req: IncomingMessage, res: ServerResponse, parts: ProxyParts): void {
  const request = readRequest(req);
  const authorisation = authoriseRequest(request, parts);
  if (!authorisation.ok) {
    refuse(req, res, parts.provider, authorisation.refusal);
    return;
  }
  const { route } = authorisation;
  const hit = route.kind === 'model-call' ? parts.admission.admit() : null;
  if (hit !== null) {
    refuse(req, res, parts.provider, limitReached(hit));
    return;
  }
  forwardRequest(req, res, {
    upstream: parts.upstream,
    provider: parts.provider,
    apiKey: parts.apiKey,
    method: request.method,
    url: request.url,
    onAnswer(answer) {
      if (route.kind === 'model-call') meterAnswer(answer, parts.provider, route.call, parts.ledger.record);
    },
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
