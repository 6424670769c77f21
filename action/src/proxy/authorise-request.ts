// Pure: whether the proxy forwards a request at all — the engine's dummy key first (anything
// else: 401), then a path under the upstream's prefix that is a model call or a free read
// (anything else: 403).
import type { IncomingHttpHeaders } from 'node:http';
import { isKey, presentedKey } from './provider-keys.ts';
import { type Route, routeOf } from './provider-routes.ts';
import { notForwarded, type Refusal, unknownKey } from './proxy-refusals.ts';
import type { Provider } from './usage-meter.ts';

export type ProxyRequest = { method: string; url: URL; headers: IncomingHttpHeaders };

/** What the engine must present, and the upstream path prefix its requests live under. */
export type ProxyDoor = { provider: Provider; dummyKey: string; prefix: string };

export type Authorisation = { ok: true; route: Route } | { ok: false; refusal: Refusal };

export function authoriseRequest(request: ProxyRequest, door: ProxyDoor): Authorisation {
  const { method, url } = request;
  if (!isKey(presentedKey(door.provider, request.headers, url), door.dummyKey)) {
    return { ok: false, refusal: unknownKey() };
  }
  const path = url.pathname.startsWith(door.prefix) ? url.pathname.slice(door.prefix.length) : null;
  const route = path === null ? null : routeOf(door.provider, method, path);
  if (route === null) return { ok: false, refusal: notForwarded(method, url.pathname) };
  return { ok: true, route };
}
