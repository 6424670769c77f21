// The setting of the benchmarks that read history: the App installed on many repositories of the
// simulator that one user may read, many tasks and their events straight into Postgres (spread
// over the repositories, requesters, engines and states, created over the last 90 days), and App
// replicas serving HTTP only.
import type pg from 'pg';
import { type RunningApp, startApp } from '../../src/boot/start-app.ts';
import { readConfig } from '../../src/platform/config/read-config.ts';
import type { Logger } from '../../src/platform/logging/create-logger.ts';
import type { Simulator } from '../../test/sim/index.ts';

export type Installed = { github: ReturnType<Simulator['registerApp']>; repoIds: number[] };

/** acme/repo-0 … repo-(n-1), the App installed on all of them, `login` with read access. */
export async function installOnRepos(sim: Simulator, repos: number, login: string): Promise<Installed> {
  const github = sim.registerApp({
    slug: 'agent-dispatch',
    webhookSecret: 'bench-webhook-secret-0123456789',
  });
  sim.addUser(login);
  const repoIds: number[] = [];
  for (let r = 0; r < repos; r++) {
    const repo = await sim.createRepo({ owner: 'acme', name: `repo-${r}`, ownerType: 'Organization' });
    sim.setPermission(repo.fullName, login, 'read');
    repoIds.push(repo.id);
  }
  await sim.installApp({ app: 'agent-dispatch', account: 'acme', repositories: 'all' });
  return { github, repoIds };
}

/** An App replica answering HTTP (no queue workers); what GitHub says of a user is cached. */
export async function startHttpReplica(options: {
  sim: Simulator;
  github: Installed['github'];
  databaseUrl: string;
  publicUrl: string;
  port: number;
  log: Logger;
}): Promise<RunningApp> {
  const { sim, github } = options;
  const config = readConfig({
    APP_ID: String(github.id),
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: github.webhookSecret!,
    GITHUB_API_URL: sim.apiUrl,
    PUBLIC_URL: options.publicUrl,
    PORT: String(options.port),
    LOG_LEVEL: 'silent',
    ACCESS_CACHE_SECONDS: '3600',
  });
  if (!config.ok) throw new Error('bench config invalid');
  return startApp({
    config: config.config,
    databaseUrl: options.databaseUrl,
    log: options.log,
    role: 'http',
  });
}

export async function seedTasks(
  sql: pg.Pool,
  options: { repoIds: number[]; tasks: number; eventsPerTask: number },
): Promise<number> {
  const { repoIds, tasks, eventsPerTask } = options;
  const started = performance.now();
  await sql.query('ALTER TABLE task_events DISABLE TRIGGER task_events_notify');
  await sql.query(
    `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
       comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state, event_seq,
       cost_usd, created_at, updated_at, finished_at)
     SELECT 1, ($1::bigint[])[1 + i % $2], 'acme', 'repo-' || (i % $2), 1 + i / $2::int, false, 'issue_comment', i,
            'user-' || (i % 20), 1000 + i % 20, 'run', 'Add a test for case ' || i,
            (ARRAY['claude-code','codex','gemini','command'])[1 + i % 4],
            (ARRAY['succeeded','failed','no_changes','cancelled','succeeded','running'])[1 + i % 6],
            $3, (i % 100) / 100.0,
            now() - ((($4 - i)::float / $4) * interval '90 days'),
            now() - ((($4 - i)::float / $4) * interval '90 days'),
            now() - ((($4 - i)::float / $4) * interval '90 days')
       FROM generate_series(1, $4) AS i`,
    [repoIds, repoIds.length, eventsPerTask, tasks],
  );
  // Events in slices, so one statement never holds millions of rows in memory.
  const SLICE = 10_000;
  for (let from = 1; from <= tasks; from += SLICE) {
    await sql.query(
      `INSERT INTO task_events (task_id, seq, type, from_state, to_state, actor, payload, created_at)
       SELECT t.id, s, CASE WHEN s = 1 THEN 'created' ELSE 'progress' END, NULL, NULL, 'job',
              jsonb_build_object('turns', s, 'message', 'step ' || s), t.created_at + s * interval '1 second'
         FROM tasks t, generate_series(1, $3) AS s
        WHERE t.id BETWEEN $1 AND $2`,
      [from, from + SLICE - 1, eventsPerTask],
    );
  }
  await sql.query('ALTER TABLE task_events ENABLE TRIGGER task_events_notify');
  await sql.query('ANALYZE');
  return (performance.now() - started) / 1000;
}
