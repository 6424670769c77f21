// Forwards a request the proxy let through (its body already read) to the real API and streams
// the answer back unchanged, byte for byte: hop-by-hop headers and the engine's credentials are
// dropped, the real key goes in the provider's header, and an uncompressed answer is asked for so
// the proxy can read the usage in it. How the exchange ended is reported exactly once.
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ExchangeEnd } from './meter-answer.ts';
import { CREDENTIAL_HEADERS, upstreamCredentials } from './provider-keys.ts';
import { sendRefusal, upstreamUnreachable } from './proxy-refusals.ts';
import type { Provider } from './usage-meter.ts';

/** The real API: where requests go, and the path prefix the engine's base URL keeps. */
export type Upstream = { origin: string; prefix: string; send: typeof httpRequest };

export function upstreamOf(base: string): Upstream {
  const url = new URL(base);
  return {
    origin: url.origin,
    prefix: url.pathname.replace(/\/+$/, ''),
    send: url.protocol === 'https:' ? httpsRequest : httpRequest,
  };
}

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

/** The same path and query at the upstream, without Gemini's `?key=` (the dummy key). */
export function upstreamTarget(origin: string, url: URL): URL {
  const forwarded = new URL(url);
  forwarded.searchParams.delete('key');
  const target = new URL(origin);
  target.pathname = forwarded.pathname;
  target.search = forwarded.search;
  return target;
}

function headersWhere(headers: IncomingHttpHeaders, keep: (name: string) => boolean): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && keep(name)) out[name] = value;
  return out;
}

/** The engine's headers without its credentials; no accept-encoding, so the answer is uncompressed. */
export function requestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return headersWhere(
    headers,
    (name) => !HOP_BY_HOP.has(name) && !CREDENTIAL_HEADERS.has(name) && name !== 'accept-encoding',
  );
}

function answerHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return headersWhere(headers, (name) => !HOP_BY_HOP.has(name));
}

export type Forwarding = {
  upstream: Upstream;
  provider: Provider;
  apiKey: string;
  method: string;
  url: URL;
  body: Buffer;
  /** The body was decoded from the engine's content-encoding (readable-call.ts): sent as it is. */
  bodyDecoded?: boolean;
  /** Sees the answer as it starts, before it is piped back (the usage meter). */
  onAnswer?(answer: IncomingMessage): void;
  /** Once, when the exchange is over. */
  onEnd?(end: ExchangeEnd): void;
};

export function forwardRequest(req: IncomingMessage, res: ServerResponse, forwarding: Forwarding): void {
  const { upstream, provider } = forwarding;
  let ended = false;
  let answered = false;
  const end = (how: ExchangeEnd) => {
    if (ended) return;
    ended = true;
    forwarding.onEnd?.(how);
  };
  const outgoing = upstream.send(upstreamTarget(upstream.origin, forwarding.url), {
    method: forwarding.method,
    headers: {
      ...headersWhere(requestHeaders(req.headers) as IncomingHttpHeaders, (name) =>
        forwarding.bodyDecoded === true ? name !== 'content-encoding' : true,
      ),
      'content-length': String(forwarding.body.length),
      ...upstreamCredentials(provider, forwarding.apiKey),
    },
  });
  outgoing.on('response', (answer) => {
    answered = true;
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders(answer.headers));
    forwarding.onAnswer?.(answer);
    answer.on('end', () => end('ended'));
    answer.on('error', () => end('cut'));
    answer.on('close', () => {
      if (!answer.complete) end('cut');
    });
    answer.pipe(res);
  });
  outgoing.on('error', (error) => {
    if (res.headersSent || res.destroyed) res.destroy(error);
    else sendRefusal(res, provider, upstreamUnreachable(error));
    end(answered ? 'cut' : 'unreached');
  });
  // The engine gave up: so does the upstream call.
  res.on('close', () => {
    if (res.writableFinished) return;
    outgoing.destroy();
    end(answered ? 'cut' : 'abandoned');
  });
  outgoing.end(forwarding.body);
}
