// A simulator with one App installed on one repository and an issue, and the App's real GitHub
// clients (write pacing in a real Postgres): for tests of how the App talks to GitHub.

import type { PacingLimits } from '../../../src/core/pacing/write-pacing.ts';
import { createGitHubClients, type GitHubClients } from '../../../src/github/octokit.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../sim/index.ts';
import type { RegisteredApp, RepoHandle } from '../../sim/scripting/setup.ts';
import { createAppDatabase } from '../../support/database.ts';
import { testLogger } from '../../support/quiet-logger.ts';

export const DEFAULT_LIMITS: PacingLimits = { perMinute: 60, burst: 10, perHour: 450 };

export type GitHubFixture = {
  sim: Simulator;
  app: RegisteredApp;
  repo: RepoHandle;
  installationId: number;
  issue: number;
  db: Awaited<ReturnType<typeof createAppDatabase>>;
  /** A fresh set of clients, as another replica would have (its own in-process limiters). */
  clients(limits?: PacingLimits): GitHubClients;
  close(): Promise<void>;
};

export async function startGitHubFixture(
  options: SimulatorOptions & { files?: Record<string, string> } = {},
): Promise<GitHubFixture> {
  const { files, ...simOptions } = options;
  const sim = await startSimulator(simOptions);
  let created: GitHubFixture['db'] | undefined;
  let world: Awaited<ReturnType<typeof populate>>;
  try {
    created = await createAppDatabase();
    world = await populate(sim, files);
  } catch (error) {
    await sim.close();
    await created?.close();
    throw error;
  }
  const db = created;
  const { app, repo, installationId, issue } = world;
  const stop = new AbortController();
  return {
    sim,
    app,
    repo,
    installationId,
    issue,
    db,
    clients: (limits = DEFAULT_LIMITS) =>
      createGitHubClients(
        {
          appId: app.id,
          privateKey: app.privateKey,
          baseUrl: sim.apiUrl,
        },
        testLogger(),
        { pool: db.pool, limits, signal: stop.signal },
      ),
    async close() {
      stop.abort();
      try {
        await sim.close();
      } finally {
        await db.close();
      }
    },
  };
}

async function populate(sim: Simulator, files: Record<string, string> = {}) {
  const app = sim.registerApp({
    slug: 'agent-dispatch',
    permissions: { issues: 'write', contents: 'write', pull_requests: 'write', actions: 'write' },
  });
  sim.addUser('alice');
  const repo = await sim.createRepo({
    owner: 'acme',
    name: 'widgets',
    files: { 'README.md': '# w\n', ...files },
  });
  const { id: installationId } = await sim.installApp({
    app: app.slug,
    account: 'acme',
    repositories: 'all',
  });
  const issue = (await sim.createIssue({ repo: repo.fullName, user: 'alice', title: 'Pacing' })).number;
  return { app, repo, installationId, issue };
}
