// The GitHub simulator: a real HTTP server on 127.0.0.1 that GitHub clients talk to through their
// base URL (`apiUrl`, like GitHub Enterprise Server's /api/v3), with real git repositories, signed
// webhooks, an OIDC issuer and an Actions runner. See docs/testing.md.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createActionsEngine } from './actions/engine.ts';
import { createTokenRegistry } from './auth/tokens.ts';
import { handleControl } from './control/control-api.ts';
import { type Clock, createWorkTracker, type SimCore } from './core.ts';
import { createFaultInjector } from './faults/faults.ts';
import { createOidcIssuer } from './oidc/issuer.ts';
import { allRoutes } from './routes/all-routes.ts';
import { activityApi } from './scripting/activity.ts';
import { inspectApi } from './scripting/inspect.ts';
import { setupApi } from './scripting/setup.ts';
import { createSimServer } from './server/http-server.ts';
import { createRateLimiter } from './server/rate-limit.ts';
import { createRequestLog } from './server/request-log.ts';
import { createRouter } from './server/router.ts';
import { createSecondaryLimit } from './server/secondary-limit.ts';
import { createStore } from './state/store.ts';
import { createWebhookSender } from './webhooks/send.ts';

export type SimulatorOptions = {
  /** Port to listen on (default: a free one). */
  port?: number;
  host?: string;
  /** Primary rate limit per installation/App/user per hour (default 5,000). */
  rateLimit?: number;
  /** Answer secondary-limit violations with 403 + retry-after instead of only counting them. */
  enforceSecondaryLimit?: boolean;
  /** How long a webhook target may take to answer before the delivery counts as failed (default 10 s). */
  webhookTimeoutMs?: number;
  /** Where the runner's tool cache persists (default: inside the simulator's temp dir). */
  toolCacheDir?: string;
  /** `uses:` value → local action directory, for the Actions runner. */
  actions?: Record<string, string>;
  clock?: Clock;
  /** Entries of a recursive tree listing before it is truncated (default 100,000, as on GitHub). */
  recursiveTreeEntries?: number;
  /**
   * Play GitHub Enterprise Server of this version: webhooks carry `X-GitHub-Enterprise-Version`
   * and `-Host`, and Actions' OIDC issuer is `${url}/_services/token`, as on GHES. (REST is under
   * /api/v3 either way.)
   */
  enterprise?: { version: string };
};

export type Simulator = ReturnType<typeof setupApi> &
  ReturnType<typeof activityApi> &
  ReturnType<typeof inspectApi> & {
    url: string;
    apiUrl: string;
    oidcIssuerUrl: string;
    /** `uses:` value → local action directory (mutable). */
    actions: Record<string, string>;
    faults: SimCore['faults'];
    core: SimCore;
    redeliver(deliveryId: number): Promise<import('./webhooks/delivery-log.ts').DeliveryRecord>;
    deliverRaw: SimCore['webhooks']['deliverRaw'];
    deliverRawTo(
      slug: string,
      raw: Omit<Parameters<SimCore['webhooks']['deliverRaw']>[0], 'appId'>,
    ): ReturnType<SimCore['webhooks']['deliverRaw']>;
    idle(): Promise<void>;
    close(): Promise<void>;
  };

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const clock = options.clock ?? { now: () => Date.now() };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'github-sim-'));
  let core: SimCore | null = null;
  const getCore = () => {
    if (!core) throw new Error('simulator: not started');
    return core;
  };
  const actions = createActionsEngine(getCore);
  Object.assign(actions.actions, options.actions);
  core = {
    store: createStore(),
    url: '',
    apiUrl: '',
    dataDir,
    toolCacheDir: options.toolCacheDir ?? path.join(dataDir, 'tool-cache'),
    clock,
    tokens: createTokenRegistry(),
    rateLimits: createRateLimiter(options.rateLimit ?? 5000, clock),
    secondary: createSecondaryLimit(clock, options.enforceSecondaryLimit ?? false),
    faults: createFaultInjector(clock),
    requests: createRequestLog(),
    limits: { recursiveTreeEntries: options.recursiveTreeEntries ?? 100_000 },
    webhooks: createWebhookSender(getCore, clock, options.webhookTimeoutMs ?? 10_000),
    actions,
    work: createWorkTracker(),
    ...(options.enterprise && { enterprise: options.enterprise }),
  };
  const sim = core;
  const router = createRouter(allRoutes);
  let simulator: Simulator | null = null;
  const server = createSimServer(sim, router, (req, res, url, body) => {
    if (!simulator) throw new Error('simulator: not started');
    return handleControl(simulator, req, res, url, body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sim.url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  sim.apiUrl = `${sim.url}/api/v3`;
  const oidcIssuerUrl = `${sim.url}${options.enterprise ? '/_services/token' : '/_oidc'}`;
  actions.issuer = await createOidcIssuer({ issuer: oidcIssuerUrl });

  const setup = setupApi(sim);
  const activity = activityApi(sim);
  const inspect = inspectApi(sim);
  simulator = Object.assign(Object.create(null) as object, setup, activity, {
    url: sim.url,
    apiUrl: sim.apiUrl,
    oidcIssuerUrl,
    actions: actions.actions,
    faults: sim.faults,
    core: sim,
    redeliver: (id: number) => sim.webhooks.redeliver(id),
    deliverRaw: sim.webhooks.deliverRaw,
    deliverRawTo(slug: string, raw: Omit<Parameters<SimCore['webhooks']['deliverRaw']>[0], 'appId'>) {
      const app = [...sim.store.apps.values()].find((candidate) => candidate.slug === slug);
      if (!app) throw new Error(`simulator: no app ${slug}`);
      return sim.webhooks.deliverRaw({ ...raw, appId: app.id });
    },
    idle: () => sim.work.idle(),
    async close() {
      for (const run of sim.store.runs.values()) if (run.status !== 'completed') actions.cancel(run);
      await Promise.race([sim.work.idle(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dataDir, { recursive: true, force: true });
    },
  }) as Simulator;
  Object.defineProperties(simulator, Object.getOwnPropertyDescriptors(inspect));
  return simulator;
}
