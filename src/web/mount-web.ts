// What the App serves people, composed once per HTTP process: sign-in, the REST API with its
// live streams, the dashboard, and /metrics (on the main listener with a token, or on a listener of its own).
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { appGitHubClients } from '../github/app-clients.ts';
import { createUserApi } from '../github/user-api.ts';
import type { AppConfig, GitHubAppCredentials } from '../platform/config/read-config.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { mountApi } from './api/api-app.ts';
import { createActivityFeed } from './live/activity-feed.ts';
import { metricsOnlyRoutes, mountMetricsRoute } from './metrics-route.ts';
import { mountPages } from './pages/mount-pages.ts';
import { createSealer } from './secrets.ts';
import { mountSignInRoutes } from './sign-in-routes.ts';
import { startStreamHub } from './stream-hub.ts';
import type { WebDeps } from './web-deps.ts';

export type WebOptions = {
  config: AppConfig;
  credentials: GitHubAppCredentials;
  pool: Db;
  log: Logger;
  databaseUrl: string;
  /** Aborted at shutdown: no GitHub request is sent after that. */
  githubStop: AbortSignal;
};

export type WebParts = { deps: WebDeps; mount(http: Hono): void; close(): Promise<void> };

export async function startWeb(options: WebOptions): Promise<WebParts> {
  const { config, credentials, pool, log } = options;
  const webLog = log.child({ component: 'web' });
  const github = appGitHubClients(config, credentials, pool, webLog, options.githubStop);
  const hub = await startStreamHub(options.databaseUrl, webLog);
  const deps: WebDeps = {
    pool,
    log: webLog,
    config,
    github,
    userApi: createUserApi({
      apiUrl: config.githubApiUrl,
      webUrl: config.web.githubWebUrl,
      appId: credentials.appId,
      oauth: config.web.oauth,
    }),
    sealer: createSealer(credentials.privateKey),
    hub,
    activity: createActivityFeed(hub, pool, webLog),
    secure: config.publicUrl.startsWith('https://'),
  };
  let metricsServer: Server | undefined;
  const { metrics } = config.web;
  if (metrics.port !== undefined) {
    const only = new Hono();
    metricsOnlyRoutes(only, { pool, log: webLog });
    metricsServer = await new Promise<Server>((resolve, reject) => {
      const server = serve({ fetch: only.fetch, hostname: metrics.host, port: metrics.port }, () =>
        resolve(server as Server),
      ) as Server;
      server.once('error', reject);
    });
  }
  return {
    deps,
    mount(http) {
      mountSignInRoutes(http, deps);
      mountApi(http, deps);
      mountPages(http, deps);
      mountMetricsRoute(http, { pool, log: webLog, token: metrics.token });
    },
    async close() {
      deps.activity.close();
      await hub.close();
      if (metricsServer) {
        const server = metricsServer;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    },
  };
}
