// The App's HTTP server: health and readiness for everyone; with App credentials the webhook
// route, the runner API and the web part (sign-in, API, pages, metrics); without them the GitHub
// App registration flow (setup mode).
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { parse as parseYaml } from 'yaml';
import { createWebhookRoute, type WebhookHandler } from '../flows/ingest/webhook-route.ts';
import { mountRunnerRoutes } from '../flows/run/runner-routes.ts';
import { createOidcVerifier } from '../flows/run/verify-oidc.ts';
import { mountNextSteps, mountRegistration, type Registration } from '../flows/setup/register-app.ts';
import { updateEnvFile } from '../platform/config/env-file.ts';
import type { AppConfig } from '../platform/config/read-config.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { startWeb, type WebParts } from '../web/mount-web.ts';
import type { Readiness } from '../web/readiness.ts';

export type HttpParts = { server: Server; url: string; web: WebParts | undefined };

type HttpOptions = {
  config: AppConfig;
  pool: Db;
  log: Logger;
  databaseUrl: string;
  githubStop: AbortSignal;
  readiness(): Promise<Readiness>;
  accepting(): boolean;
  /** Setup mode: the App was registered and its credentials saved (main.ts goes on as the App). */
  onRegistered?: (registration: Registration) => void;
  /** The worker tier: only /healthz and /readyz, for the orchestrator's probes. */
  healthOnly?: boolean;
};

type Routes = {
  http: Hono;
  /** The webhook route, served ahead of Hono (plain node:http). */
  webhooks: WebhookHandler | undefined;
  web: WebParts | undefined;
};

const MANIFEST_FILE = path.resolve(import.meta.dirname, '../../app.yml');

function mountSetup(http: Hono, options: HttpOptions): void {
  mountRegistration(http, {
    config: options.config,
    log: options.log,
    manifestBase: parseYaml(readFileSync(MANIFEST_FILE, 'utf8')) as Record<string, unknown>,
    save: (values) => updateEnvFile(path.resolve('.env'), values),
    onRegistered: (registration) => options.onRegistered?.(registration),
  });
}

async function buildRoutes(options: HttpOptions): Promise<Routes> {
  const { config, pool, log, accepting } = options;
  const http = new Hono();
  http.get('/healthz', (c) => c.json({ status: 'ok' }));
  http.get('/readyz', async (c) => {
    const readiness = await options.readiness();
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
  if (options.healthOnly) return { http, webhooks: undefined, web: undefined };
  mountNextSteps(http, config);
  if (!config.github) {
    mountSetup(http, options);
    return { http, webhooks: undefined, web: undefined };
  }
  const webhooks = createWebhookRoute({
    path: config.webhookPath,
    secret: config.github.webhookSecret,
    maxBytes: config.webhookMaxBytes,
    pool,
    log,
    accepting,
  });
  mountRunnerRoutes(http, {
    pool,
    log,
    verifyToken: createOidcVerifier({ ...config.oidc, audience: config.publicUrl }),
    accepting,
    transcriptCap: config.web.transcript.maxEventsPerTask,
  });
  const web = await startWeb({ ...options, credentials: config.github });
  web.mount(http);
  return { http, webhooks, web };
}

function requestListener(routes: Routes): RequestListener {
  const hono = getRequestListener(routes.http.fetch);
  const webhooks = routes.webhooks;
  if (!webhooks) return hono;
  return (req, res) => (webhooks.matches(req) ? webhooks.handle(req, res) : hono(req, res));
}

async function listen(listener: RequestListener, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export async function startHttp(options: HttpOptions): Promise<HttpParts> {
  const { config } = options;
  const routes = await buildRoutes(options);
  const { web } = routes;
  let server: Server;
  try {
    server = await listen(requestListener(routes), config.host, config.port);
  } catch (error) {
    await web?.close().catch(() => {});
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return { server, url, web };
}

/** Stops taking requests; resolves once open connections are closed. */
export async function closeHttp(parts: HttpParts, afterIdle: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    parts.server.close(() => resolve());
    parts.server.closeIdleConnections();
  });
  await afterIdle();
  // Live streams never end by themselves: they close with the remaining connections.
  await parts.web?.close();
  parts.server.closeAllConnections();
  await closed;
}
