// The REST pipeline for `/api/v3/...`: faults → route match → authentication → primary rate limit →
// access check → body parsing → secondary limit → handler → ETag/304 → headers → request log.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../auth/authenticate.ts';
import { authorizeRepo } from '../auth/authorize.ts';
import { type Principal, rateKey, summarize } from '../auth/principal.ts';
import type { SimCore } from '../core.ts';
import type { FaultKind } from '../faults/faults.ts';
import { repoByName } from '../state/store.ts';
import type { Repo } from '../state/types.ts';
import { DOCS_URL, HttpError, notFound } from './http-error.ts';
import type { Budget } from './rate-limit.ts';
import type { RequestRecord } from './request-log.ts';
import { commonHeaders, etagMatches, etagOf, sleep, writeJson } from './respond.ts';
import type { RouteContext, RouteResponse } from './route.ts';
import type { Router } from './router.ts';
import { SECONDARY_LIMIT_MESSAGE } from './secondary-limit.ts';

type Draft = Omit<RequestRecord, 'id' | 'status' | 'at' | 'durationMs'>;

function faultResponse(kind: Exclude<FaultKind, { type: 'latency' | 'drop' }>): HttpError {
  switch (kind.type) {
    case 'status': {
      const text = { 500: 'Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }[kind.status];
      return new HttpError(kind.status, text);
    }
    case 'secondary-rate-limit':
      return new HttpError(403, SECONDARY_LIMIT_MESSAGE, {
        headers: { 'retry-after': String(kind.retryAfter) },
        docs: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      });
    case 'rate-limit-429':
      return new HttpError(429, SECONDARY_LIMIT_MESSAGE, {
        headers: kind.retryAfter === undefined ? {} : { 'retry-after': String(kind.retryAfter) },
      });
  }
}

function primaryLimitError(principal: Principal): HttpError {
  const who =
    principal.kind === 'installation'
      ? `installation ID ${principal.installation.id}`
      : principal.kind === 'user'
        ? `user ID ${principal.user.id}`
        : 'this client';
  return new HttpError(403, `API rate limit exceeded for ${who}.`, {
    docs: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
  });
}

function parseBody(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Problems parsing JSON', { malformed: true });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(400, 'Body should be a JSON object', { malformed: true });
  }
  return parsed as Record<string, unknown>;
}

export async function handleApi(
  core: SimCore,
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: Buffer,
): Promise<void> {
  const started = performance.now();
  const at = new Date(core.clock.now()).toISOString();
  const method = (req.method ?? 'GET').toUpperCase();
  const apiPath = url.pathname.slice('/api/v3'.length) || '/';
  const match = router.match(method, apiPath);
  const draft: Draft = {
    method,
    path: url.pathname + url.search,
    route: match?.route.path ?? null,
    principal: null,
    fault: null,
    unexpected: false,
    reason: null,
  };
  const log = (status: number) =>
    core.requests.add({
      ...draft,
      status,
      at,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });

  const fault = core.faults.take(method, draft.route);
  if (fault) {
    draft.fault = fault.type;
    if (fault.type === 'latency') await sleep(fault.ms);
    else if (fault.type === 'drop') {
      req.socket.destroy();
      log(0);
      return;
    } else {
      const error = faultResponse(fault);
      writeJson(res, error.status, error.body, { ...commonHeaders(), ...error.headers });
      log(error.status);
      return;
    }
  }

  let budget: Budget | null = null;
  try {
    if (!match) {
      draft.unexpected = true;
      draft.reason = router.knowsPath(apiPath) ? `method ${method} not allowed` : 'no route';
      throw notFound();
    }
    const principal = await authenticate(core, req.headers.authorization);
    draft.principal = summarize(principal);
    const key = rateKey(principal, req.socket.remoteAddress ?? 'local');
    budget = core.rateLimits.peek(key);
    if (budget.used >= budget.limit) throw primaryLimitError(principal);

    const { route, params } = match;
    let repo: Repo | undefined;
    if (route.access.kind === 'app' && principal.kind !== 'app') {
      throw new HttpError(401, 'A JSON web token could not be decoded');
    }
    if (route.access.kind === 'repo') repo = authorizeRepo(core, principal, route.access, params);
    else if (params.owner && params.repo) {
      repo = repoByName(core.store, params.owner, params.repo);
      if (!repo) throw notFound();
    }
    const body = parseBody(rawBody);
    if (route.creates && principal.kind !== 'anonymous') {
      const violated = core.secondary.record(key);
      if (violated && core.secondary.enforce) {
        throw new HttpError(403, SECONDARY_LIMIT_MESSAGE, { headers: { 'retry-after': '60' } });
      }
    }
    const ctx: RouteContext = {
      core,
      route,
      params,
      query: url.searchParams,
      body,
      headers: req.headers,
      principal,
      repo: repo as Repo,
    };
    const result: RouteResponse = await route.handle(ctx);
    const payload = result.raw?.data ?? (result.body === undefined ? '' : JSON.stringify(result.body));
    const etag = method === 'GET' && result.status === 200 ? etagOf(payload) : null;
    if (etag && etagMatches(req, etag)) {
      res.writeHead(304, { ...commonHeaders(), ...core.rateLimits.headers(budget), etag });
      res.end();
      log(304);
      return;
    }
    budget = core.rateLimits.consume(key);
    const headers = {
      ...commonHeaders(),
      ...core.rateLimits.headers(budget),
      ...(etag ? { etag } : {}),
      ...result.headers,
    };
    if (result.raw) {
      res.writeHead(result.status, {
        ...headers,
        'content-type': result.raw.contentType,
        'content-length': String(Buffer.byteLength(result.raw.data)),
      });
      res.end(result.raw.data);
    } else writeJson(res, result.status, result.body, headers);
    log(result.status);
  } catch (error) {
    const rateHeaders = budget ? core.rateLimits.headers(budget) : {};
    if (error instanceof HttpError) {
      if (error.malformed) draft.unexpected = true;
      draft.reason ??= error.message;
      writeJson(res, error.status, error.body, { ...commonHeaders(), ...rateHeaders, ...error.headers });
      log(error.status);
      return;
    }
    draft.unexpected = true;
    draft.reason = `simulator error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    writeJson(
      res,
      500,
      { message: 'Server Error', documentation_url: DOCS_URL, status: '500' },
      { ...commonHeaders(), ...rateHeaders },
    );
    log(500);
  }
}
