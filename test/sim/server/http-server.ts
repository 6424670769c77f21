// The simulator's HTTP front: REST under /api/v3, the OAuth web flow under /login/oauth, the OIDC
// issuer (/_oidc, or /_services/token as on GitHub Enterprise Server) and the job's token endpoint
// (/_oidc/token), job logs under /_logs, the control API under /_sim, the App manifest form of the
// web UI.
// Anything else is a 404 and is logged.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { serveJobLog, serveOidcToken } from '../actions/runner-endpoints.ts';
import { serveOAuth } from '../auth/oauth-web-flow.ts';
import type { SimCore } from '../core.ts';
import { MANIFEST_FORM, serveManifestForm } from '../web/manifest-form.ts';
import { handleApi } from './api-handler.ts';
import { DOCS_URL } from './http-error.ts';
import { readBody, writeJson } from './respond.ts';
import type { Router } from './router.ts';

export type ControlHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
) => Promise<void>;

async function route(
  core: SimCore,
  router: Router,
  control: ControlHandler,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const url = new URL(req.url ?? '/', core.url);
  const path = url.pathname;
  if (path === '/_oidc/token') return serveOidcToken(core, req, res, url);
  // The issuer's discovery document and keys, under /_oidc (or /_services/token, as on GHES).
  if (core.actions.issuer && (await core.actions.issuer.handle(req, res))) return;
  if (path.startsWith('/_oidc/')) {
    writeJson(res, 404, { message: 'Not Found' });
    return;
  }
  if (path.startsWith('/_logs/')) return serveJobLog(core, res, url);
  const body = await readBody(req);
  if (path.startsWith('/_sim/')) return control(req, res, url, body);
  if (path.startsWith('/login/oauth/')) return serveOAuth(core, req, res, url, body);
  if (MANIFEST_FORM.test(path)) return serveManifestForm(core, req, res, url, body);
  if (path === '/api/v3' || path.startsWith('/api/v3/')) return handleApi(core, router, req, res, url, body);
  core.requests.add({
    method: req.method ?? 'GET',
    path: path + url.search,
    route: null,
    status: 404,
    principal: null,
    at: new Date(core.clock.now()).toISOString(),
    durationMs: 0,
    fault: null,
    unexpected: true,
    reason: 'outside the REST API',
  });
  writeJson(res, 404, { message: 'Not Found', documentation_url: DOCS_URL, status: '404' });
}

export function createSimServer(core: SimCore, router: Router, control: ControlHandler): Server {
  const server = createServer((req, res) => {
    route(core, router, control, req, res).catch((error: unknown) => {
      if (!res.headersSent)
        writeJson(res, 500, { message: String(error instanceof Error ? error.message : error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  return server;
}
