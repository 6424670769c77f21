// The App's HTTP server: health and readiness for everyone; with App credentials the webhook
// route and the runner API, without them the GitHub App registration flow (setup mode).
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { parse as parseYaml } from 'yaml';
import { mountWebhookRoute } from '../flows/ingest/webhook-route.ts';
import { mountRunnerRoutes } from '../flows/run/runner-routes.ts';
import { createOidcVerifier } from '../flows/run/verify-oidc.ts';
import { mountNextSteps, mountRegistration, type Registration } from '../flows/setup/register-app.ts';
import { updateEnvFile } from '../platform/config/env-file.ts';
import type { AppConfig } from '../platform/config/read-config.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import type { Readiness } from '../web/readiness.ts';

export type HttpParts = { server: Server; url: string };

type HttpOptions = {
  config: AppConfig;
  pool: Db;
  log: Logger;
  readiness(): Promise<Readiness>;
  accepting(): boolean;
  /** Setup mode: the App was registered and its credentials saved (main.ts goes on as the App). */
  onRegistered?: (registration: Registration) => void;
  /** The worker tier: only /healthz and /readyz, for the orchestrator's probes. */
  healthOnly?: boolean;
};

const MANIFEST_FILE = path.resolve(import.meta.dirname, '../../app.yml');

function buildRoutes(options: HttpOptions): Hono {
  const { config, pool, log, accepting } = options;
  const http = new Hono();
  http.get('/healthz', (c) => c.json({ status: 'ok' }));
  http.get('/readyz', async (c) => {
    const readiness = await options.readiness();
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
  if (options.healthOnly) return http;
  mountNextSteps(http, config);
  if (!config.github) {
    mountRegistration(http, {
      config,
      log,
      manifestBase: parseYaml(readFileSync(MANIFEST_FILE, 'utf8')) as Record<string, unknown>,
      save: (values) => updateEnvFile(path.resolve('.env'), values),
      onRegistered: (registration) => options.onRegistered?.(registration),
    });
    return http;
  }
  mountWebhookRoute(http, {
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
  });
  return http;
}

async function listen(app: Hono, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(server as Server));
    server.once('error', reject);
  });
}

export async function startHttp(options: HttpOptions): Promise<HttpParts> {
  const { config } = options;
  const server = await listen(buildRoutes(options), config.host, config.port);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  return { server, url };
}

/** Stops taking requests; resolves once open connections are closed. */
export async function closeHttp(parts: HttpParts, afterIdle: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    parts.server.close(() => resolve());
    parts.server.closeIdleConnections();
  });
  await afterIdle();
  parts.server.closeAllConnections();
  await closed;
}
