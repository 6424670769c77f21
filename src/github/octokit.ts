// GitHub clients. One Octokit class (Probot's, with throttling, retry, pagination and the config
// loader), and tokens minted per repository and per purpose: a client made to dispatch a
// workflow cannot push, a client made to publish cannot touch another repository.
import { createAppAuth } from '@octokit/auth-app';
import { request as baseRequest } from '@octokit/request';
import Bottleneck from 'bottleneck/light.js';
import { ProbotOctokit } from 'probot';
import { type PacingLimits, pacingFor } from '../core/pacing/write-pacing.ts';
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
  /** Sticky comment, reactions, check runs, pending deployments. */
  feedback: { metadata: 'read', issues: 'write', pull_requests: 'write', checks: 'write', actions: 'read' },
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
  /** Least time between two content-creating requests of one installation from this process. */
  writeIntervalMs: number;
  /** Least time between two requests that notify people (comments, pull requests, reviewers). */
  notifyIntervalMs: number;
};

/** Pacing of content-creating requests per installation, shared by every replica through Postgres. */
export type WritePacingOptions = {
  pool: Db;
  limits: PacingLimits;
  /** Aborted when the process stops: pending and new requests are refused. */
  signal: AbortSignal;
};

export type GitHubClients = {
  /** Authenticated as the App (JWT): `/app/...` routes. */
  app(): Octokit;
  /** An installation token limited to one repository and one purpose's permissions. */
  forRepo(installationId: number, repoId: number, purpose: Purpose): Octokit;
};

const MAX_WAIT_IN_JOB_SECONDS = 60;
/**
 * Longest wait for a write slot of the shared per-installation bucket inside a job. A slot further
 * away puts the job back in the queue until then (`queue/defer-paced.ts`), freeing the worker for
 * other installations' jobs.
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
  // Octokit's throttling plugin spaces writes one second apart per installation, and requests
  // that notify people three seconds apart (GitHub's advice); the intervals are configurable
  // here, one group each per process.
  const writes = new Bottleneck.Group({ maxConcurrent: 1, minTime: settings.writeIntervalMs });
  const notifications = new Bottleneck.Group({ maxConcurrent: 1, minTime: settings.notifyIntervalMs });
  const common = {
    baseUrl: settings.baseUrl,
    log: octokitLog,
    throttle: { ...throttleOptions(octokitLog), write: writes, notifications },
  };
  const pacing = pacingFor(writePacing.limits);
  // The App's own requests (asking GitHub to redeliver webhooks) create no repository content:
  // paced per minute like the rest, but not held to the hourly content-creation cap.
  const appPacing = { ...pacing, hour: { intervalMs: 0, toleranceMs: 0 } };
  const fetchFor = (key: string) =>
    createPacedFetch(key, {
      pool: writePacing.pool,
      pacing: key === 'app' ? appPacing : pacing,
      maxWaitMs: SLOT_WAIT_IN_JOB_MS,
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
      const strategy = () => ({
        hook: async (
          req: typeof baseRequest,
          route: Parameters<typeof baseRequest>[0],
          parameters?: Parameters<typeof baseRequest>[1],
        ) => {
          // Cached by auth-app per (installation, repositories, permissions) until near expiry.
          const { token } = await appAuth({
            type: 'installation',
            installationId,
            repositoryIds: [repoId],
            permissions,
          });
          const endpoint = req.endpoint.merge(route as string, parameters);
          endpoint.headers.authorization = `token ${token}`;
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
    },
  };
}
