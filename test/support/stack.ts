// The whole system for end-to-end tests: the GitHub simulator, a real Postgres database, the App
// (its HTTP server and queue worker), and the bundled action run by the simulator's runner.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Octokit } from '@octokit/rest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type AppConfig, formatConfigProblems, readConfig } from '../../src/config/read-config.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { freePort } from '../../src/net/free-port.ts';
import { type RunningApp, startApp } from '../../src/start-app.ts';
import type { Task } from '../../src/task/task.ts';
import { getTask, taskEvents } from '../../src/task/task-store.ts';
import { type Simulator, startSimulator } from '../sim/index.ts';
import type { RegisteredApp, RepoHandle } from '../sim/scripting/setup.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const ACTION_USES = 'agent-dispatch/agent-dispatch@v1';
export const WORKFLOW_TEMPLATE = readFileSync(path.join(ROOT, 'workflows-templates/agent.yml'), 'utf8');
const MANIFEST = parseYaml(readFileSync(path.join(ROOT, 'app.yml'), 'utf8')) as {
  default_permissions: Record<string, 'read' | 'write'>;
  default_events: string[];
};

export type StackOptions = {
  /** `.github/agent.yml` of the test repository (an object, written as YAML). */
  agentConfig?: Record<string, unknown>;
  /** Extra files of the repository. */
  files?: Record<string, string>;
  /** Extra environment for the App's configuration. */
  env?: Record<string, string>;
  /** Replace the workflow file (default: the template maintainers copy). */
  workflow?: string;
  users?: Record<string, 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>;
};

export type Stack = {
  sim: Simulator;
  app: RunningApp;
  db: TestDatabase;
  github: RegisteredApp;
  repo: RepoHandle;
  config: AppConfig;
  /** REST as a user would see it, through the simulator. */
  as(login: string): Octokit;
  issue(title: string, body?: string, user?: string): Promise<number>;
  comment(issue: number, user: string, body: string): Promise<{ id: number }>;
  tasks(): Promise<Task[]>;
  waitForTask(predicate: (task: Task) => boolean, what: string, timeoutMs?: number): Promise<Task>;
  waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs?: number): Promise<T>;
  settle(): Promise<void>;
  events(taskId: number): Promise<string[]>;
  stop(): Promise<void>;
};

export const COMMAND_CONFIG = { engine: 'command', command: 'bash ./agent.sh' };

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sim = await startSimulator({ actions: { [ACTION_USES]: ROOT } });
  const db = await createTestDatabase();
  const github = sim.registerApp({
    slug: 'agent-dispatch',
    webhookSecret: 'e2e-webhook-secret-0123456789',
    permissions: MANIFEST.default_permissions,
    events: MANIFEST.default_events,
  });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const result = readConfig({
    APP_ID: String(github.id),
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: github.webhookSecret!,
    GITHUB_API_URL: sim.apiUrl,
    PUBLIC_URL: publicUrl,
    PORT: String(port),
    OIDC_ISSUER: sim.oidcIssuerUrl,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '4',
    GITHUB_WRITE_INTERVAL_MS: '20',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  });
  if (!result.ok) throw new Error(formatConfigProblems(result.problems));
  const config = result.config;
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  const app = await startApp({ config, databaseUrl: db.url, log });
  sim.setWebhook(github.slug, { url: `${app.url}/api/github/webhooks` });

  sim.addUser('alice');
  const users = { alice: 'write', ...options.users } as const;
  const repo = await sim.createRepo({
    owner: 'acme',
    name: 'widgets',
    ownerType: 'Organization',
    files: {
      'README.md': '# Widgets\n',
      '.github/workflows/agent.yml': options.workflow ?? WORKFLOW_TEMPLATE,
      '.github/agent.yml': stringifyYaml(options.agentConfig ?? COMMAND_CONFIG),
      ...options.files,
    },
  });
  for (const [login, role] of Object.entries(users)) {
    if (login !== 'alice') sim.addUser(login);
    sim.setPermission(repo.fullName, login, role);
  }
  await sim.installApp({ app: github.slug, account: 'acme', repositories: [repo.fullName] });
  sim.setEnvironment(repo.fullName, 'agent');
  sim.setVariable(repo.fullName, 'AGENT_DISPATCH_URL', publicUrl);

  const stack: Stack = {
    sim,
    app,
    db,
    github,
    repo,
    config,
    as: (login) => new Octokit({ baseUrl: sim.apiUrl, auth: sim.userToken(login) }),
    async issue(title, body = '', user = 'alice') {
      return (await sim.createIssue({ repo: repo.fullName, user, title, body })).number;
    },
    async comment(issue, user, body) {
      const created = await sim.createComment({ repo: repo.fullName, issue, user, body });
      return { id: created.id };
    },
    async tasks() {
      const rows = await app.pool.query('SELECT id FROM tasks ORDER BY id');
      return Promise.all(rows.rows.map(async (r) => (await getTask(app.pool, Number(r.id)))!));
    },
    async waitForTask(predicate, what, timeoutMs = 30_000) {
      return until(async () => (await stack.tasks()).find(predicate), what, timeoutMs);
    },
    waitFor: (probe, what, timeoutMs = 30_000) => until(probe, what, timeoutMs),
    async settle() {
      // Quiet: no delivery or job in flight in the simulator and no pending job in the queue.
      await until(
        async () => {
          await sim.idle();
          const jobs = await app.pool.query(
            `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE run_at <= now() + interval '10 seconds' AND attempts < max_attempts`,
          );
          return jobs.rows[0].n === 0 ? true : undefined;
        },
        'the system to settle',
        60_000,
      );
    },
    async events(taskId) {
      return (await taskEvents(app.pool, taskId)).map((e) => e.type);
    },
    async stop() {
      await app.stop();
      await sim.close();
      await db.drop();
    },
  };
  return stack;
}
