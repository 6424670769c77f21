// The answers the proxy gives itself instead of forwarding: an API error in the provider's own
// shape, so the engine's CLI shows the message (and, at a limit, stops).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LimitHit } from './limits.ts';
import type { Provider } from './usage-meter.ts';

export type Refusal = { status: 400 | 401 | 403 | 413 | 502; message: string };

export function unknownKey(): Refusal {
  return { status: 401, message: 'Agent Dispatch proxy: unknown API key.' };
}

export function notForwarded(method: string, pathname: string): Refusal {
  return {
    status: 403,
    message: `Agent Dispatch proxy: ${method} ${pathname} is not a model API call it forwards.`,
  };
}

export function limitReached(hit: LimitHit): Refusal {
  return {
    status: 400,
    message: `Agent Dispatch stopped this task: ${hit.message}. No further model calls are allowed; end the session now.`,
  };
}

export function upstreamUnreachable(error: Error): Refusal {
  return {
    status: 502,
    message: `Agent Dispatch proxy: the model API did not answer (${error.message}).`,
  };
}

/** Pure: the body of a refusal as the provider would have sent it. */
export function errorBody(provider: Provider, refusal: Refusal): unknown {
  const { status, message } = refusal;
  switch (provider) {
    case 'anthropic':
      return { type: 'error', error: { type: 'invalid_request_error', message } };
    case 'openai':
      return { error: { message, type: 'invalid_request_error', param: null, code: 'agent_dispatch_limit' } };
    case 'gemini':
      return { error: { code: status, message, status: 'FAILED_PRECONDITION' } };
  }
}

export function sendRefusal(res: ServerResponse, provider: Provider, refusal: Refusal): void {
  const text = JSON.stringify(errorBody(provider, refusal));
  res.writeHead(refusal.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Answers a request the proxy does not forward; its body is read and dropped. */
export function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  provider: Provider,
  refusal: Refusal,
): void {
  req.resume();
  sendRefusal(res, provider, refusal);
}

export function requestTooLarge(limit: number): Refusal {
  return {
    status: 413,
    message: `Agent Dispatch proxy: the request is larger than ${limit} bytes and was not forwarded.`,
  };
}
