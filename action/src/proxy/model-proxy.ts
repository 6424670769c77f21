// The key-holding proxy: a local HTTP server on 127.0.0.1 that the engine uses as its model
// API. The engine holds only a random dummy key; the proxy checks it, swaps in the real key and
// forwards the request to the real API, streaming the answer back unchanged. On the way it
// counts model calls, tokens and cost, and once the task's turn or cost limit is reached it
// answers further model calls itself with an API error the engine's CLI shows and stops on.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type LimitHit, type ModelLimits, nextCallRefused } from './limits.ts';
import { addTokens, costOf, NO_TOKENS, type TokenCounts } from './prices.ts';
import { createUsageMeter, type Provider } from './usage-meter.ts';

export type ProxyStats = {
  /** Model calls let through. */
  calls: number;
  /** Model calls answered by the proxy because a limit was reached. */
  refused: number;
  tokens: TokenCounts;
  /** Null when a model without a price was used (see prices.ts); then `pricedCostUsd` is a lower bound. */
  costUsd: number | null;
  pricedCostUsd: number;
  models: string[];
  unpricedModels: string[];
  limit: LimitHit | null;
};

export type ModelProxy = {
  /** What the engine uses as its API base URL (the upstream's path prefix included). */
  baseUrl: string;
  /** The only key the engine gets. Random per run, worthless anywhere else. */
  dummyKey: string;
  stats(): ProxyStats;
  close(): Promise<void>;
};

export type ProxyLog = { warning(message: string): void };

export type ModelProxyOptions = {
  provider: Provider;
  /** The real API, e.g. https://api.anthropic.com or https://api.openai.com/v1. */
  upstream: string;
  apiKey: string;
  limits: ModelLimits;
  log: ProxyLog;
};

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);
/** Credentials the engine might send (its dummy key); the proxy sets the real one itself. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'x-goog-api-key', 'api-key']);

/** The calls that cost money, by the path after the upstream's prefix. */
function modelCall(provider: Provider, method: string, path: string): { model: string | null } | null {
  if (method !== 'POST') return null;
  switch (provider) {
    case 'anthropic':
      return path === '/v1/messages' ? { model: null } : null;
    case 'openai':
      return path === '/responses' || path === '/chat/completions' ? { model: null } : null;
    case 'gemini': {
      const match = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(?:generateContent|streamGenerateContent)$/.exec(
        path,
      );
      return match ? { model: decodeURIComponent(match[1] ?? '') || null } : null;
    }
  }
}

/** Everything else the proxy forwards: reads that cost nothing (model lists, token counts). */
function allowedOtherCall(provider: Provider, method: string, path: string): boolean {
  switch (provider) {
    case 'anthropic':
      return (
        (method === 'POST' && path === '/v1/messages/count_tokens') ||
        (method === 'GET' && /^\/v1\/models(?:\/[^/]+)?$/.test(path))
      );
    case 'openai':
      return method === 'GET' && /^\/models(?:\/[^/]+)?$/.test(path);
    case 'gemini':
      return (
        (method === 'POST' && /^\/v1(?:beta|alpha)?\/models\/[^/:]+:countTokens$/.test(path)) ||
        (method === 'GET' && /^\/v1(?:beta|alpha)?\/models(?:\/[^/:]+)?$/.test(path))
      );
  }
}

function credentialHeaders(provider: Provider, key: string): Record<string, string> {
  switch (provider) {
    case 'anthropic':
      return { 'x-api-key': key };
    case 'openai':
      return { authorization: `Bearer ${key}` };
    case 'gemini':
      return { 'x-goog-api-key': key };
  }
}

/** An error in the provider's own shape, so the engine's CLI shows the message and stops. */
function errorBody(provider: Provider, status: number, message: string): unknown {
  switch (provider) {
    case 'anthropic':
      return { type: 'error', error: { type: 'invalid_request_error', message } };
    case 'openai':
      return { error: { message, type: 'invalid_request_error', param: null, code: 'agent_dispatch_limit' } };
    case 'gemini':
      return { error: { code: status, message, status: 'FAILED_PRECONDITION' } };
  }
}

function presentedKey(provider: Provider, req: IncomingMessage, url: URL): string | undefined {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1];
  if (provider === 'gemini') return header('x-goog-api-key') ?? url.searchParams.get('key') ?? bearer;
  return header('x-api-key') ?? bearer ?? header('api-key');
}

function sameSecret(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function forwardedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || CREDENTIAL_HEADERS.has(name)) continue;
    // Ask for an uncompressed answer, so the proxy can read the usage in it.
    if (name === 'accept-encoding') continue;
    out[name] = value;
  }
  return out;
}

export async function startModelProxy(options: ModelProxyOptions): Promise<ModelProxy> {
  const upstream = new URL(options.upstream);
  const prefix = upstream.pathname.replace(/\/+$/, '');
  const dummyKey = `agent-dispatch-proxy-${randomBytes(18).toString('hex')}`;
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  let calls = 0;
  let refused = 0;
  let tokens: TokenCounts = { ...NO_TOKENS };
  let pricedCostUsd = 0;
  const models = new Set<string>();
  const unpriced = new Set<string>();
  let unknownModelCalls = 0;
  let limit: LimitHit | null = null;

  function answer(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function record(model: string | null, used: TokenCounts): void {
    tokens = addTokens(tokens, used);
    if (model === null) {
      unknownModelCalls += 1;
      return;
    }
    models.add(model);
    const cost = costOf(model, used);
    if (cost !== null) pricedCostUsd += cost;
    else if (!unpriced.has(model)) {
      unpriced.add(model);
      options.log.warning(
        `The model "${model}" has no price in this version of the action: its tokens are counted, its cost is unknown, and limits.max-cost-usd cannot be enforced for it.`,
      );
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const method = req.method ?? 'GET';
    if (!sameSecret(presentedKey(options.provider, req, url), dummyKey)) {
      req.resume();
      answer(res, 401, errorBody(options.provider, 401, 'Agent Dispatch proxy: unknown API key.'));
      return;
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : null;
    const call = path === null ? null : modelCall(options.provider, method, path);
    if (path === null || (call === null && !allowedOtherCall(options.provider, method, path))) {
      req.resume();
      answer(
        res,
        403,
        errorBody(
          options.provider,
          403,
          `Agent Dispatch proxy: ${method} ${url.pathname} is not a model API call it forwards.`,
        ),
      );
      return;
    }
    if (call !== null) {
      const hit = nextCallRefused(options.limits, { calls, costUsd: pricedCostUsd });
      if (hit !== null) {
        limit ??= hit;
        refused += 1;
        req.resume();
        answer(
          res,
          400,
          errorBody(
            options.provider,
            400,
            `Agent Dispatch stopped this task: ${hit.message}. No further model calls are allowed; end the session now.`,
          ),
        );
        return;
      }
      calls += 1;
    }
    url.searchParams.delete('key');
    const target = new URL(upstream.origin);
    target.pathname = url.pathname;
    target.search = url.search;
    const outgoing = send(target, {
      method,
      headers: { ...forwardedHeaders(req.headers), ...credentialHeaders(options.provider, options.apiKey) },
    });
    outgoing.on('response', (incoming) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, headers);
      const meter =
        call !== null && (incoming.statusCode ?? 0) < 300
          ? createUsageMeter({
              provider: options.provider,
              contentType: incoming.headers['content-type'],
              modelHint: call.model,
            })
          : null;
      incoming.on('data', (chunk: Buffer) => meter?.feed(chunk));
      incoming.on('end', () => {
        if (meter) {
          const used = meter.end();
          if (used.sawUsage) record(used.model, used.tokens);
        }
      });
      incoming.pipe(res);
    });
    outgoing.on('error', (error) => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      answer(
        res,
        502,
        errorBody(
          options.provider,
          502,
          `Agent Dispatch proxy: the model API did not answer (${error.message}).`,
        ),
      );
    });
    req.on('aborted', () => outgoing.destroy());
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  }

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    dummyKey,
    stats: () => ({
      calls,
      refused,
      tokens: { ...tokens },
      costUsd: unpriced.size > 0 || unknownModelCalls > 0 ? null : pricedCostUsd,
      pricedCostUsd,
      models: [...models],
      unpricedModels: [...unpriced],
      limit,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
