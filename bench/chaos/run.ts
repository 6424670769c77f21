// The chaos suite: N `/agent` commands per scenario against the App as real processes (the
// simulator runs the workflows with the bundled action and the `command` engine), while the App
// is SIGKILLed, Postgres restarts, GitHub misbehaves, or three replicas share the work. Counts
// what users would see: completed, failed visibly, lost, duplicated, and GitHub's secondary-limit
// violations. Lost, duplicated and violations must be 0: the run exits 1 otherwise.
//
//   npm run chaos [-- --tasks 200 --repos 40 --scenarios kill,postgres,github-faults,replicas]
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startProcessStack } from '../../test/reliability/support/process-stack.ts';
import { machineLine } from '../support/machine.ts';
import { type Command, type Figures, measure } from './measure.ts';
import { formatReport, writeReliabilitySection } from './report.ts';
import { startRestartablePostgres } from './restartable-postgres.ts';
import { CALM, SCENARIOS, type Scenario } from './scenarios.ts';
import { superviseReplicas } from './supervisor.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '200' },
    repos: { type: 'string', default: '40' },
    scenarios: { type: 'string', default: SCENARIOS.map((s) => s.name).join(',') },
    'drain-timeout': { type: 'string', default: '420' },
    'submit-per-second': { type: 'string', default: '5' },
    'no-docs': { type: 'boolean', default: false },
    /** Keep every replica's log (JSON lines) in this directory, for looking into a run. */
    logs: { type: 'string' },
    'log-level': { type: 'string', default: 'warn' },
    /** Queue workers per scenario, split across its replicas (jobs wait on GitHub pacing). */
    workers: { type: 'string', default: '48' },
  },
});
const TASKS = Number(values.tasks);
const REPOS = Number(values.repos);
const DRAIN_TIMEOUT_MS = Number(values['drain-timeout']) * 1000;
const SUBMIT_INTERVAL_MS = 1000 / Number(values['submit-per-second']);
const selected = values.scenarios.split(',').map((name) => {
  const scenario = [...SCENARIOS, CALM].find((s) => s.name === name);
  if (!scenario)
    throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return scenario;
});

const ROOT = path.resolve(import.meta.dirname, '../..');
// The action as it is now: a copy, so a rebuild of action/dist during the run cannot break jobs.
const ACTION_DIR = mkdtempSync(path.join(tmpdir(), 'chaos-action-'));
cpSync(path.join(ROOT, 'action.yml'), path.join(ACTION_DIR, 'action.yml'));
cpSync(path.join(ROOT, 'action/dist'), path.join(ACTION_DIR, 'action/dist'), { recursive: true });

const AGENT_SCRIPT = 'echo "hello from the agent" > hello.txt\n';
// Production settings, except that the sweeper and the liveness check look sooner than their
// defaults so a scenario drains in minutes; pacing of GitHub requests is the production default.
const APP_ENV = {
  SHUTDOWN_TIMEOUT_MS: '5000',
  SWEEP_QUEUED_AFTER_SECONDS: '30',
  SWEEP_DISPATCHED_AFTER_SECONDS: '60',
  SWEEP_WAITING_AFTER_SECONDS: '120',
  SWEEP_RUNNING_AFTER_SECONDS: '90',
  SWEEP_PUBLISHING_AFTER_SECONDS: '60',
  WORKER_STALE_AFTER_SECONDS: '10',
  LOG_LEVEL: values['log-level'],
};
const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

const lag = monitorEventLoopDelay({ resolution: 20 });
lag.enable();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

export type ScenarioResult = {
  scenario: Scenario;
  figures: Figures;
  notes: string[];
  kills: number;
  restarts: number;
  unplanned: string[];
};

async function runScenario(
  scenario: Scenario,
  postgres: Awaited<ReturnType<typeof startRestartablePostgres>>,
): Promise<ScenarioResult> {
  const database = `chaos_${scenario.name.replace(/-/g, '_')}_${Date.now().toString(36)}`;
  const databaseUrl = await postgres.createDatabase(database);
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  sql.on('error', () => {});
  const stack = await startProcessStack({
    databaseUrl,
    repos: REPOS,
    agentScript: AGENT_SCRIPT,
    agentConfig: { engine: 'command', command: 'bash ./agent.sh' },
    actionDir: ACTION_DIR,
    appEnv: { ...APP_ENV, WORKER_CONCURRENCY: String(Math.ceil(Number(values.workers) / scenario.replicas)) },
  });
  const supervisor = await superviseReplicas(stack, scenario.replicas);
  const notes: string[] = [];
  try {
    log(
      `${scenario.name}: ${scenario.replicas} replica(s) up; creating ${TASKS} issues in ${REPOS} repositories`,
    );
    const issues: Array<{ repo: string; issue: number }> = [];
    for (let i = 0; i < TASKS; i += 10) {
      const batch = Array.from({ length: Math.min(10, TASKS - i) }, async (_, j) => {
        const repo = stack.repos[(i + j) % stack.repos.length]!.fullName;
        const { number } = await stack.sim.createIssue({ repo, user: 'alice', title: `Chaos task ${i + j}` });
        return { repo, issue: number };
      });
      issues.push(...(await Promise.all(batch)));
    }

    const commands: Command[] = [];
    let drained = false;
    const started = Date.now();
    const chaos = scenario.chaos({
      stack,
      supervisor,
      postgres,
      drained: () => drained,
      note: (line) => {
        notes.push(`${Math.round((Date.now() - started) / 1000)} s: ${line}`);
        log(`${scenario.name}: ${line}`);
      },
    });
    const submissions = issues.map(async ({ repo, issue }, i) => {
      await sleep(i * SUBMIT_INTERVAL_MS);
      const { id } = await stack.sim.createComment({
        repo,
        issue,
        user: 'alice',
        body: '/agent add hello.txt',
      });
      commands.push({ repo, issue, commentId: id });
    });
    await Promise.all(submissions);
    log(
      `${scenario.name}: ${commands.length} commands submitted in ${Math.round((Date.now() - started) / 1000)} s`,
    );

    let drainSeconds: number | null = null;
    let lastReport = 0;
    while (Date.now() - started < DRAIN_TIMEOUT_MS) {
      const ended = await sql
        .query<{ n: number }>(
          'SELECT count(*)::int AS n FROM tasks WHERE comment_id = ANY($1) AND state = ANY($2)',
          [commands.map((c) => c.commentId), TERMINAL],
        )
        .then((r) => r.rows[0]!.n)
        .catch(() => -1); // the database is restarting
      if (ended === commands.length) {
        drainSeconds = Math.round((Date.now() - started) / 100) / 10;
        break;
      }
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        log(
          `${scenario.name}: ${ended < 0 ? '?' : ended}/${commands.length} ended (event loop here: p99 ${Math.round(lag.percentile(99) / 1e6)} ms, max ${Math.round(lag.max / 1e6)} ms)`,
        );
        lag.reset();
      }
      await sleep(1_000);
    }
    drained = true;
    await chaos;
    log(`${scenario.name}: ${drainSeconds === null ? 'did NOT drain' : `drained in ${drainSeconds} s`}`);

    // Let the last status comment updates land before counting what GitHub shows.
    const settleUntil = Date.now() + 90_000;
    while (Date.now() < settleUntil) {
      await stack.sim.idle();
      const pending = await sql
        .query<{ n: number }>(
          `SELECT count(*)::int AS n FROM graphile_worker.jobs
            WHERE run_at <= now() + interval '10 seconds' AND attempts < max_attempts
              AND task_identifier NOT IN ('sweep-tasks', 'redeliver-webhooks')`,
        )
        .then((r) => r.rows[0]!.n)
        .catch(() => -1);
      if (pending === 0) break;
      await sleep(1_000);
    }
    const figures = await measure(stack, sql, commands, drainSeconds);
    if (values.logs) {
      mkdirSync(values.logs, { recursive: true });
      writeFileSync(
        path.join(values.logs, `${scenario.name}-github-requests.jsonl`),
        stack.sim.requests.map((r) => JSON.stringify(r)).join('\n'),
      );
    }
    if (figures.lostTasks.length > 0) log(`${scenario.name}: lost: ${figures.lostTasks.join('; ')}`);
    for (const [key, failure] of Object.entries(figures.failures)) {
      if (failure.jobLog) log(`${scenario.name}: job log of a ${key} run:\n${failure.jobLog}`);
    }
    return {
      scenario,
      figures,
      notes,
      kills: supervisor.kills,
      restarts: supervisor.restarts,
      unplanned: supervisor.unplannedExits,
    };
  } finally {
    await supervisor.stop();
    await stack.stop();
    if (values.logs) {
      mkdirSync(values.logs, { recursive: true });
      stack.replicas.forEach((replica, i) => {
        writeFileSync(path.join(values.logs!, `${scenario.name}-${i}-${replica.pid}.log`), replica.output());
      });
    }
    await sql.end();
    await postgres.dropDatabase(database).catch(() => {});
  }
}

const began = Date.now();
log(
  `chaos: ${TASKS} tasks per scenario over ${REPOS} repositories (one installation each); ${machineLine()}`,
);
const postgres = await startRestartablePostgres();
const results: ScenarioResult[] = [];
try {
  for (const scenario of selected) results.push(await runScenario(scenario, postgres));
} finally {
  await postgres.stop();
  rmSync(ACTION_DIR, { recursive: true, force: true });
}
const totalSeconds = Math.round((Date.now() - began) / 1000);
const report = formatReport(results, { tasks: TASKS, repos: REPOS, machine: machineLine(), totalSeconds });
process.stdout.write(`\n${report}\n`);
if (values.logs) {
  writeFileSync(
    path.join(values.logs, 'figures.json'),
    `${JSON.stringify(
      results.map((r) => ({
        scenario: r.scenario.name,
        ...r.figures,
        kills: r.kills,
        restarts: r.restarts,
        notes: r.notes,
      })),
      null,
      2,
    )}\n`,
  );
}
if (!values['no-docs'] && selected.length === SCENARIOS.length) writeReliabilitySection(report);
const bad = results.filter(
  (r) =>
    r.figures.lost > 0 ||
    r.figures.tasksDuplicated > 0 ||
    r.figures.prsDuplicated > 0 ||
    r.figures.secondaryLimitViolations > 0,
);
process.exit(bad.length > 0 ? 1 : 0);
