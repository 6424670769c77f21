// The whole system for end-to-end tests (see system.ts) on a fresh test database, with helpers to
// act as users and wait for tasks.
import { Octokit } from '@octokit/rest';
import type { RunningApp } from '../../src/boot/start-app.ts';
import type { Task } from '../../src/core/task/task.ts';
import { RELIABILITY_JOBS } from '../../src/flows/reconcile/reconcile-jobs.ts';
import type { AppConfig } from '../../src/platform/config/read-config.ts';
import { createLogger } from '../../src/platform/logging/create-logger.ts';
import { taskEvents } from '../../src/store/task-events.ts';
import { getTask } from '../../src/store/tasks.ts';
import type { Simulator } from '../sim/index.ts';
import type { RegisteredApp, RepoHandle } from '../sim/scripting/setup.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { type Role, startSystem } from './system.ts';

export { ACTION_USES, COMMAND_CONFIG, WORKFLOW_TEMPLATE } from './system.ts';

export type StackOptions = {
  /** `.github/agent.yml` of the test repository (an object, written as YAML). */
  agentConfig?: Record<string, unknown>;
  /** Extra files of the repository. */
  files?: Record<string, string>;
  /** Extra environment for the App's configuration. */
  env?: Record<string, string>;
  /** Replace the workflow file (default: the template maintainers copy). */
  workflow?: string;
  users?: Record<string, Role>;
  /** The simulator plays GitHub Enterprise Server of this version. */
  enterprise?: { version: string };
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
  /** Runs a cron job of the App now instead of at the next minute; resolves once a worker ran it. */
  runCronJob(identifier: (typeof RELIABILITY_JOBS)[keyof typeof RELIABILITY_JOBS]): Promise<void>;
  events(taskId: number): Promise<string[]>;
  stop(): Promise<void>;
};

/**
 * A task's event types with `run_started` put after `run_created` when it came first: the dispatch
 * job records `run_created` once GitHub has answered the dispatch, and the job's first call to the
 * App records `run_started`; on a busy machine the job can start before the dispatch job has
 * written down GitHub's answer, so both orders are the App working as designed.
 */
export function runEventsInOrder(events: string[]): string[] {
  const started = events.indexOf('run_started');
  const created = events.indexOf('run_created');
  if (started === -1 || created === -1 || started < created) return events;
  const ordered = events.filter((_, i) => i !== started);
  ordered.splice(ordered.indexOf('run_created') + 1, 0, 'run_started');
  return ordered;
}

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
  const db = await createTestDatabase();
  const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'json' });
  let system: Awaited<ReturnType<typeof startSystem>>;
  try {
    system = await startSystem({ ...options, databaseUrl: db.url, log });
  } catch (error) {
    await db.drop();
    throw error;
  }
  const { sim, app, github, repo, config } = system;

  /** What a timed-out wait saw: every task with its events, and the queue's unfinished jobs. */
  async function whereThingsStand(): Promise<string> {
    const lines: string[] = [];
    for (const task of await stack.tasks()) {
      const events = (await taskEvents(app.pool, task.id)).map((e) => e.type).join(' → ');
      lines.push(`task ${task.id} ${task.state} (run ${task.workflowRunId ?? 'none'}): ${events}`);
    }
    const jobs = await app.pool.query<{
      task_identifier: string;
      attempts: number;
      run_at: Date;
      last_error: string | null;
    }>(
      `SELECT task_identifier, attempts, run_at, last_error FROM graphile_worker.jobs
        WHERE NOT (task_identifier = ANY($1)) ORDER BY run_at`,
      [Object.values(RELIABILITY_JOBS)],
    );
    for (const d of sim.deliveries.filter((d) => d.statusCode < 200 || d.statusCode >= 300)) {
      lines.push(`delivery ${d.event}.${d.action ?? ''} ${d.guid} at ${d.deliveredAt}: ${d.status}`);
    }
    for (const job of jobs.rows) {
      const error = job.last_error?.split('\n')[0] ?? '';
      lines.push(
        `job ${job.task_identifier} attempts ${job.attempts} runs at ${job.run_at.toISOString()} ${error}`,
      );
    }
    return lines.join('\n');
  }

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
      try {
        return await until(async () => (await stack.tasks()).find(predicate), what, timeoutMs);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n${await whereThingsStand()}`);
      }
    },
    waitFor: (probe, what, timeoutMs = 30_000) => until(probe, what, timeoutMs),
    async settle() {
      // Quiet: no delivery or job in flight in the simulator and no pending job in the queue
      // (the periodic reliability jobs aside).
      const pending = async () =>
        (
          await app.pool.query(
            `SELECT task_identifier, key, run_at, attempts, last_error FROM graphile_worker.jobs
             WHERE run_at <= now() + interval '10 seconds' AND attempts < max_attempts
               AND NOT (task_identifier = ANY($1))`,
            [Object.values(RELIABILITY_JOBS)],
          )
        ).rows;
      try {
        await until(
          async () => {
            await sim.idle();
            return (await pending()).length === 0 ? true : undefined;
          },
          'the system to settle',
          60_000,
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}; pending jobs: ${JSON.stringify(await pending())}`);
      }
    },
    async runCronJob(identifier) {
      // One attempt, as the cron's own jobs have.
      const added = await app.pool.query<{ id: string }>(
        'SELECT id FROM graphile_worker.add_job($1, max_attempts => 1)',
        [identifier],
      );
      // Until no job of this task is queued or running, ours or one the cron queued meanwhile:
      // when the minute's run holds the reconciler's lock, ours ends at once while that one works.
      await until(
        async () => {
          const live = await app.pool.query(
            `SELECT 1 FROM graphile_worker.jobs
              WHERE task_identifier = $1 AND (locked_at IS NOT NULL OR attempts < max_attempts)`,
            [identifier],
          );
          return live.rowCount === 0 ? true : undefined;
        },
        `the ${identifier} job to run`,
        30_000,
      );
      const failed = await app.pool.query<{ last_error: string }>(
        'SELECT last_error FROM graphile_worker.jobs WHERE id = $1',
        [added.rows[0]!.id],
      );
      if (failed.rows[0]) throw new Error(`the ${identifier} job failed: ${failed.rows[0].last_error}`);
    },
    async events(taskId) {
      return (await taskEvents(app.pool, taskId)).map((e) => e.type);
    },
    async stop() {
      try {
        await system.stop();
      } finally {
        await db.drop();
      }
    },
  };
  return stack;
}
