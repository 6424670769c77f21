// The two keys of the proxy: the random dummy key the engine gets (and must present), and the
// real key, which only the proxy sends upstream, in the provider's own header.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Provider } from './usage-meter.ts';

/** Random per run, worthless anywhere else. */
export function newDummyKey(): string {
  return `agent-dispatch-proxy-${randomBytes(18).toString('hex')}`;
}

/** Where the engine's CLI puts its key: a provider header, a bearer token, or Gemini's `?key=`. */
export function presentedKey(provider: Provider, headers: IncomingHttpHeaders, url: URL): string | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const bearer = /^Bearer\s+(.+)$/i.exec(header('authorization') ?? '')?.[1];
  if (provider === 'gemini') return header('x-goog-api-key') ?? url.searchParams.get('key') ?? bearer;
  return header('x-api-key') ?? bearer ?? header('api-key');
}

/** Compared in constant time. */
export function isKey(presented: string | undefined, key: string): boolean {
  if (presented === undefined) return false;
  const left = Buffer.from(presented);
  const right = Buffer.from(key);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Credentials the engine might send (its dummy key); the proxy sets the real one itself. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
]);

/** The real key, as the provider expects it. */
export function upstreamCredentials(provider: Provider, key: string): Record<string, string> {
  switch (provider) {
    case 'anthropic':
      return { 'x-api-key': key };
    case 'openai':
      return { authorization: `Bearer ${key}` };
    case 'gemini':
      return { 'x-goog-api-key': key };
  }
}
