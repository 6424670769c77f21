// Pure: which requests the proxy forwards, by provider, method and the path after the
// upstream's prefix. Model calls cost money and count against the task's limits; the free reads
// the CLIs make (token counts, model lists) pass without counting; anything else is refused, so
// the real key cannot be used for other API operations.
import type { Provider } from './usage-meter.ts';

/** A call that costs money; Gemini names its model in the path. */
export type ModelCall = { model: string | null };

export type Route = { kind: 'model-call'; call: ModelCall } | { kind: 'free-read' };

const GEMINI_MODEL_CALL = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(?:generateContent|streamGenerateContent)$/;

function modelCall(provider: Provider, method: string, path: string): ModelCall | null {
  if (method !== 'POST') return null;
  switch (provider) {
    case 'anthropic':
      return path === '/v1/messages' ? { model: null } : null;
    case 'openai':
      return path === '/responses' || path === '/chat/completions' ? { model: null } : null;
    case 'gemini': {
      const match = GEMINI_MODEL_CALL.exec(path);
      return match ? { model: decodeURIComponent(match[1] ?? '') || null } : null;
    }
  }
}

function freeRead(provider: Provider, method: string, path: string): boolean {
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

/** What the request is to the proxy; null for one it does not forward. */
export function routeOf(provider: Provider, method: string, path: string): Route | null {
  const call = modelCall(provider, method, path);
  if (call !== null) return { kind: 'model-call', call };
  return freeRead(provider, method, path) ? { kind: 'free-read' } : null;
}
