// /api/v1: every route behind the viewer check, described by an OpenAPI 3.1 document generated
// from the route definitions and the schemas that validate the answers (/api/v1/openapi.json).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { AppError } from '../../core/errors.ts';
import { requireViewer, type WebEnv } from '../authenticate.ts';
import { problemFromThrown, problemResponse } from '../problem.ts';
import type { WebDeps } from '../web-deps.ts';
import { mountActionRoutes } from './action-routes.ts';
import { API_PREFIX } from './present.ts';
import { mountReportRoutes } from './report-routes.ts';
import { invalidRequest } from './respond.ts';
import { mountStreamRoutes } from './stream-routes.ts';
import { mountTaskRoutes } from './task-routes.ts';

export const OPENAPI_PATH = `${API_PREFIX}/openapi.json`;

export function buildApi(deps: WebDeps): OpenAPIHono<WebEnv> {
  const api = new OpenAPIHono<WebEnv>({
    defaultHook: (result, c) => {
      const problem = invalidRequest(result);
      if (problem) return problemResponse(c, problem);
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: deps.secure ? '__Host-agent-dispatch-session' : 'agent-dispatch-session',
    description: 'The session cookie set by signing in with GitHub at /auth/login.',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'githubToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'A GitHub user access token (for this App), for scripts.',
  });
  api.use('*', requireViewer(deps));
  mountTaskRoutes(api, deps);
  mountStreamRoutes(api, deps);
  mountActionRoutes(api, deps);
  mountReportRoutes(api, deps);
  api.onError((error, c) => {
    if (!(error instanceof AppError)) deps.log.error({ err: error, path: c.req.path }, 'API request failed');
    return problemFromThrown(c, error);
  });
  api.notFound((c) => problemResponse(c, new AppError('not_found', { what: c.req.path })));
  return api;
}

export function openApiDocument(api: OpenAPIHono<WebEnv>, publicUrl: string) {
  return api.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Agent Dispatch API',
      version: '1',
      description: 'Task history, live transcripts, usage and outcomes of Agent Dispatch (docs/api.md).',
    },
    servers: [{ url: `${publicUrl}${API_PREFIX}` }],
    security: [{ session: [] }, { githubToken: [] }],
  });
}

/** Mounts the API and its document (the document needs a signed-in viewer too). */
export function mountApi(http: Hono, deps: WebDeps): void {
  const api = buildApi(deps);
  const document = openApiDocument(api, deps.config.publicUrl);
  api.get('/openapi.json', (c) => c.json(document));
  http.route(API_PREFIX, api);
}
