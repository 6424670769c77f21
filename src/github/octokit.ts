// GitHub clients. One Octokit class (Probot's, with throttling, retry, pagination and the config
// loader), and tokens minted per repository and per purpose: a client made to dispatch a
// workflow cannot push, a client made to publish cannot touch another repository.
import { createAppAuth } from '@octokit/auth-app';
import { request as baseRequest } from '@octokit/request';
import Bottleneck from 'bottleneck/light.js';
import { ProbotOctokit } from 'probot';
import { type Lanes, lanesFor, type PacingLimits, pacingFor } from '../core/pacing/write-pacing.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { observeGitHubAnswer } from '../platform/metrics/metrics.ts';
import { createPacedFetch } from './paced-fetch.ts';

export type Octokit = InstanceType<typeof ProbotOctokit>;

type Permission = 'read' | 'write';
export type Permissions = Partial<
  Record<
    'actions' | 'checks' | 'contents' | 'deployments' | 'issues' | 'metadata' | 'pull_requests',
    Permission
  >
>;

/** What each kind of work needs, and nothing more. */
export const PURPOSES = {
  /** Read the commenter's permission, the config file, the issue; reply, react. */
  respond: { metadata: 'read', contents: 'read', issues: 'write', pull_requests: 'write' },
  /** Read the thread for the prompt; workflow_dispatch, read and cancel runs. */
  dispatch: { metadata: 'read', contents: 'read', issues: 'read', actions: 'write' },
  /** Blobs, trees, commits, a branch, the pull request, its labels and reviewers. */
  publish: { metadata: 'read', contents: 'write', pull_requests: 'write', issues: 'write' },
  /** Sticky comment, reactions, pending deployments. */
  feedback: { metadata: 'read', issues: 'write', pull_requests: 'write', actions: 'read' },
  /** Review a run as a custom deployment protection rule. */
  gate: { metadata: 'read', deployments: 'write', actions: 'read' },
  /** The `agent-dispatch/review` check: read the pull request and its reviews, write the check. */
  review: { metadata: 'read', pull_requests: 'read', checks: 'write' },
  /** The doctor: read the workflow file and the environment. */
  doctor: { metadata: 'read', contents: 'read', actions: 'read' },
} as const satisfies Record<string, Permissions>;
export type Purpose = keyof typeof PURPOSES;

export type GitHubAppSettings = {
  appId: number;
  privateKey: string;
  baseUrl: string;
};

/** Pacing of content-creating requests per installation, shared by every replica through Postgres. */
export type WritePacingOptions = {
  pool: Db;
  limits: PacingLimits;
  /** Aborted when the process stops: pending and new requests are refused. */
  signal: AbortSignal;
};

/**
 * Reads configuration files across the repositories of one account: `.github/agent.yml`, the
 * account's `.github` repository and any `_extends` target. Each request gets a token for the
 * one repository it names (`contents: read`), so the loader can follow `_extends` without a
 * token for the whole installation. A repository outside the installation (or another account's)
 * answers 404 to the loader and is listed in `unreadable`.
 */
export type ConfigReader = { octokit: Octokit; unreadable: Set<string> };

export type GitHubClients = {
  /** Authenticated as the App (JWT): `/app/...` routes. */
  app(): Octokit;
  /** An installation token limited to one repository and one purpose's permissions. */
  forRepo(installationId: number, repoId: number, purpose: Purpose): Octokit;
  /** Configuration reads in the repositories of `owner` (the installation's account). */
  forConfig(installationId: number, owner: string): ConfigReader;
};

const CONFIG_PERMISSIONS: Permissions = { metadata: 'read', contents: 'read' };

function notReadable(fullName: string, reason: string): Error {
  return Object.assign(new Error(`${fullName}: ${reason}`), { status: 404 });
}

const MAX_WAIT_IN_JOB_SECONDS = 60;
/** Requests of one installation in flight at once from one process (GitHub's limit is 100). */
export const MAX_CONCURRENT_PER_INSTALLATION = 10;
/**
 * Longest wait for a write slot of the shared per-installation bucket inside a job. A slot further
 * away puts the job back in the queue until then (`queue/defer-paced.ts`), freeing the worker for
 * other installations' jobs; so does any wait while another job of this process already sleeps
 * on the same lane (`paced-fetch.ts`), so one installation never holds several workers asleep.
 */
const SLOT_WAIT_IN_JOB_MS = 5_000;

/**
 * Honours GitHub's limits the way Octokit's throttling plugin does (retry-after, the reset time
 * of the primary limit), but never parks a queue worker for long: a wait above a minute fails
 * the job, and the queue retries it later with its own backoff.
 */
function throttleOptions(log: Logger) {
  return {
    onRateLimit: (
      retryAfter: number,
      options: { method: string; url: string; request: { retryCount: number } },
    ) => {
      log.warn({ retryAfter, method: options.method, url: options.url }, 'GitHub primary rate limit');
      return retryAfter <= MAX_WAIT_IN_JOB_SECONDS && options.request.retryCount < 3;
    },
    onSecondaryRateLimit: (
      retryAfter: number,
      options: { method: string; url: string; request: { retryCount: number } },
    ) => {
      log.warn({ retryAfter, method: options.method, url: options.url }, 'GitHub secondary rate limit');
      return retryAfter <= MAX_WAIT_IN_JOB_SECONDS && options.request.retryCount < 3;
    },
  };
}

/** Backoff with jitter: each client's waits (retry-after, Octokit's retries) are 0–25 % longer. */
function jitteredBase(): number {
  return 1000 + Math.floor(Math.random() * 250);
}

/**
 * The throttling plugin's limiter groups, keyed per installation. Octokit would space every write
 * 1 s apart and every notifying request 3 s apart, per process: a fixed delay in front of each
 * write, even the first after an hour of quiet. Writes are paced instead by the shared
 * per-installation bucket in Postgres (`paced-fetch.ts`: a burst, then GitHub's sustained rate),
 * so these groups only cap concurrency: at most `MAX_CONCURRENT_PER_INSTALLATION` requests of
 * one installation in flight per process (GitHub allows 100 at once).
 */
function pacingGroups() {
  return {
    global: new Bottleneck.Group({ maxConcurrent: MAX_CONCURRENT_PER_INSTALLATION }),
    write: new Bottleneck.Group({}),
    notifications: new Bottleneck.Group({}),
  };
}

type Answer = { status?: number; headers?: Record<string, string | number | undefined> };

/** Counts every answer by route template and status, and keeps the rate limit it reports. */
function observed(key: string, octokit: Octokit): Octokit {
  const record = (answer: Answer | undefined, options: { method: string; url: string }) =>
    observeGitHubAnswer(
      key,
      options.method,
      options.url,
      answer?.status ?? 0,
      answer?.headers?.['x-ratelimit-remaining'] as string | undefined,
    );
  octokit.hook.after('request', (response, options) => record(response as Answer, options));
  octokit.hook.error('request', (error, options) => {
    record((error as { response?: Answer }).response ?? { status: (error as Answer).status }, options);
    throw error;
  });
  return octokit;
}

export function createGitHubClients(
  settings: GitHubAppSettings,
  log: Logger,
  writePacing: WritePacingOptions,
): GitHubClients {
  const request = baseRequest.defaults({ baseUrl: settings.baseUrl });
  const appAuth = createAppAuth({ appId: settings.appId, privateKey: settings.privateKey, request });
  const octokitLog = log.child({ component: 'github' });
  const common = {
    baseUrl: settings.baseUrl,
    log: octokitLog,
    throttle: { ...throttleOptions(octokitLog), ...pacingGroups() },
  };
  const lanes = lanesFor(writePacing.limits);
  // The App's own requests (asking GitHub to redeliver webhooks) create no repository content:
  // paced per minute like the rest, but not held to the hourly content-creation cap; no lanes.
  const pacing = pacingFor(writePacing.limits);
  const appPacing = { ...pacing, hour: { intervalMs: 0, toleranceMs: 0 } };
  const appLanes: Lanes = { dispatch: appPacing, other: appPacing, split: false };
  const sleeping = new Set<string>();
  const fetchFor = (key: string) =>
    createPacedFetch(key, {
      pool: writePacing.pool,
      lanes: key === 'app' ? appLanes : lanes,
      maxWaitMs: SLOT_WAIT_IN_JOB_MS,
      sleeping,
      signal: writePacing.signal,
      log: octokitLog,
    });
  const limitsFor = (key: string) => {
    const base = jitteredBase();
    return {
      request: { fetch: fetchFor(key) },
      retry: { retryAfterBaseValue: base },
      throttle: { ...common.throttle, id: key, retryAfterBaseValue: base },
    };
  };

  /** An installation's client whose every request carries the token `mint` chooses for it. */
  const installationClient = (
    installationId: number,
    mint: (endpoint: { owner?: string; repo?: string }) => Promise<string>,
  ): Octokit => {
    const strategy = () => ({
      hook: async (
        req: typeof baseRequest,
        route: Parameters<typeof baseRequest>[0],
        parameters?: Parameters<typeof baseRequest>[1],
      ) => {
        const endpoint = req.endpoint.merge(route as string, parameters);
        endpoint.headers.authorization = `token ${await mint(endpoint as { owner?: string; repo?: string })}`;
        return req(endpoint as never);
      },
    });
    return observed(
      `installation:${installationId}`,
      new ProbotOctokit({
        ...common,
        ...limitsFor(`installation:${installationId}`),
        authStrategy: strategy as never,
        auth: {},
      }),
    );
  };

  return {
    app() {
      return observed(
        'app',
        new ProbotOctokit({
          ...common,
          ...limitsFor('app'),
          authStrategy: () => ({ hook: appAuth.hook }) as never,
          auth: {},
        }),
      );
    },
    forRepo(installationId, repoId, purpose) {
      const permissions = PURPOSES[purpose];
      // Cached by auth-app per (installation, repositories, permissions) until near expiry.
      return installationClient(installationId, async () => {
        const { token } = await appAuth({
          type: 'installation',
          installationId,
          repositoryIds: [repoId],
          permissions,
        });
        return token;
      });
    },
    forConfig(installationId, owner) {
      const unreadable = new Set<string>();
      const octokit = installationClient(installationId, async (endpoint) => {
        const fullName = `${endpoint.owner}/${endpoint.repo}`;
        if (!endpoint.repo || endpoint.owner?.toLowerCase() !== owner.toLowerCase()) {
          unreadable.add(fullName);
          throw notReadable(fullName, `outside ${owner}`);
        }
        try {
          const { token } = await appAuth({
            type: 'installation',
            installationId,
            repositoryNames: [endpoint.repo],
            permissions: CONFIG_PERMISSIONS,
          });
          return token;
        } catch (error) {
          // 422: the repository does not exist or the installation does not cover it.
          if ((error as { status?: number }).status !== 422) throw error;
          unreadable.add(fullName);
          throw notReadable(fullName, 'not accessible to the installation');
        }
      });
      return { octokit, unreadable };
    },
  };
}
