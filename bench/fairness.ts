// Fairness between installations: installation B's comment → workflow_dispatch latency while
// installation A has 200 tasks queued, against B's latency with A idle, in one run, with the
// App's production pacing of GitHub writes per minute (per installation: a burst of 10, then 60
// a minute; the hourly cap lifted, as in bench:loop) and its production queue settings. Goal (issue 13): B's p95 under A's load ≤ 2× idle.
//
//   npm run bench:fairness [-- --samples 10 --queued 200]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify as stringifyYaml } from 'yaml';
import { isTerminal } from '../src/core/task/task-states.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { COMMAND_CONFIG, startSystem, WORKFLOW_TEMPLATE } from '../test/support/system.ts';
import { loadLine, machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '10' }, queued: { type: 'string', default: '200' } },
});
const SAMPLES = Number(values.samples);
const QUEUED = Number(values.queued);
const say = (text: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} fairness: ${text}\n`);

// One user asks for every task: the per-user limit (10 an hour by default) is lifted above the
// count.
const A_CONFIG = { ...COMMAND_CONFIG, 'rate-limit': { 'per-user-per-hour': 1000 } };
const ENGINE = { 'agent.sh': 'echo "change $RANDOM" > "change-$RANDOM.txt"\n' };

const dir = mkdtempSync(path.join(tmpdir(), 'bench-fairness-'));
chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true });
const system = await startSystem({
  databaseUrl: postgres.url,
  agentConfig: A_CONFIG,
  files: ENGINE,
  // Production pacing and queue settings: the defaults of src/platform/config/read-config.ts.
  env: {
    GITHUB_WRITES_PER_MINUTE: '60',
    GITHUB_WRITE_BURST: '10',
    // As in bench:loop, only the hourly cap is lifted: at 450 an hour one installation finishes
    // about 34 tasks an hour, and A's 200 would be waiting on the hour, not on the queue.
    GITHUB_WRITES_PER_HOUR: '100000',
    WORKER_CONCURRENCY: '4',
    LOG_LEVEL: 'silent',
  },
});
const { sim, github, app, config } = system;
const A = system.repo.fullName;
// Installation B: another organization, its own repository, the same App.
const bRepo = await sim.createRepo({
  owner: 'beta',
  name: 'gadgets',
  ownerType: 'Organization',
  files: {
    'README.md': '# Gadgets\n',
    '.github/workflows/agent.yml': WORKFLOW_TEMPLATE,
    '.github/agent.yml': stringifyYaml(A_CONFIG),
    ...ENGINE,
  },
});
const B = bRepo.fullName;
sim.addUser('bob');
sim.setPermission(B, 'bob', 'write');
await sim.installApp({ app: github.slug, account: 'beta', repositories: [B] });
sim.setEnvironment(B, 'agent');
sim.setVariable(B, 'AGENT_DISPATCH_URL', config.publicUrl);

/**
 * Comment → the dispatch request of its task, in ms, one comment at a time: each task ends
 * before the next comment, so B's own writes (its runs' comments, check runs, pull requests),
 * which share B's pacing budget, never stand in front of the dispatch measured.
 */
async function measureB(samples: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    // A new issue each time: a thread runs one task at a time, and this measures the App, not that.
    const issue = await sim.createIssue({ repo: B, user: 'bob', title: `Fairness ${i}` });
    const from = sim.requests.length;
    const sent = Date.now();
    await sim.createComment({ repo: B, issue: issue.number, user: 'bob', body: `/agent make change ${i}` });
    latencies.push(await dispatchAfter(from, sent));
    await taskEnded(issue.number);
  }
  return latencies;
}

async function taskEnded(issueNumber: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const row = await app.pool.query(`SELECT state FROM tasks WHERE repo_id = $1 AND issue_number = $2`, [
      bRepo.id,
      issueNumber,
    ]);
    if (row.rows[0] && isTerminal(row.rows[0].state)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`B's task on issue #${issueNumber} did not end within 180 s`);
}

async function dispatchAfter(from: number, sent: number): Promise<number> {
  const deadline = sent + 120_000;
  for (let seen = from; Date.now() < deadline; ) {
    const records = sim.requests.slice(seen);
    const hit = records.find(
      (r) => r.method === 'POST' && r.route?.endsWith('/dispatches') && r.path.includes(`/${B}/`),
    );
    if (hit) return Date.parse(hit.at) - sent;
    seen += records.length;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // What the App answered instead (the simulator's newest comment) and what the queue holds, so
  // a failed run says why.
  const last = [...sim.core.store.comments.values()].at(-1)?.body ?? '(no comment)';
  const queue = await app.pool.query(
    `SELECT task_identifier, priority, locked_at IS NOT NULL AS running, run_at <= now() AS due, count(*)::int AS n
       FROM graphile_worker.jobs GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  const bTasks = await app.pool.query(`SELECT id, state FROM tasks WHERE repo_id = $1 ORDER BY id`, [
    bRepo.id,
  ]);
  throw new Error(
    `no dispatch for B within 120 s of a comment; B's tasks: ${JSON.stringify(bTasks.rows)}; the queue: ${JSON.stringify(queue.rows)}; the newest comment: ${last.slice(0, 300)}`,
  );
}

async function tasksOfA(): Promise<number> {
  const row = await app.pool.query(`SELECT count(*)::int AS n FROM tasks WHERE repo_id = $1`, [
    system.repo.id,
  ]);
  return row.rows[0].n;
}

async function queuedOfA(): Promise<number> {
  const row = await app.pool.query(
    `SELECT count(*)::int AS n FROM tasks WHERE repo_id = $1 AND state = 'queued'`,
    [system.repo.id],
  );
  return row.rows[0].n;
}

const loadBefore = loadavg();
let idle: number[] = [];
let loaded: number[] = [];
let queuedAtStart = 0;
let queuedAtEnd = 0;
try {
  say(`B idle: ${SAMPLES} comments`);
  idle = await measureB(SAMPLES);
  say(`A: ${QUEUED} comments`);
  const issue = await sim.createIssue({ repo: A, user: 'alice', title: 'Fairness load' });
  for (let i = 0; i < QUEUED; i++)
    await sim.createComment({ repo: A, issue: issue.number, user: 'alice', body: `/agent task ${i}` });
  // A's commands are recorded as tasks (most of them left queued) before B's first comment.
  const recorded = Date.now() + 120_000;
  while ((await tasksOfA()) < QUEUED && Date.now() < recorded)
    await new Promise((resolve) => setTimeout(resolve, 100));
  queuedAtStart = await queuedOfA();
  say(`A has ${queuedAtStart} tasks queued; B under load: ${SAMPLES} comments`);
  loaded = await measureB(SAMPLES);
  queuedAtEnd = await queuedOfA();
} finally {
  await system.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), min: s[0]!, max: s.at(-1)! };
};
const i = stats(idle);
const l = stats(loaded);
const ratio = l.p95 / i.p95;
const markdown = `## Fairness between installations

\`npm run bench:fairness\` — ${machineLine()}

${loadLine(loadBefore, loadavg())}

One App process (in the benchmark's process, real embedded PostgreSQL) and the simulator, two
installations of the App: A (\`${A}\`) and B (\`${B}\`). Production settings: GitHub writes paced per
installation (a burst of 10, then 60 a minute; the hourly cap lifted, as in \`bench:loop\`), ${config.workerConcurrency} queue workers.
B's user comments \`/agent …\` ${SAMPLES} times, each on a new issue once the task before ended, first with A idle, then right after A's user
posted ${QUEUED} commands (A's repository runs 2 tasks at once, so the rest wait queued: ${queuedAtStart}
queued when B began, ${queuedAtEnd} when it ended). Latency is from B's comment to the App's
\`workflow_dispatch\` request for it, in ms.

| B's comment → dispatch | p50 | p95 | min | max |
| --- | ---: | ---: | ---: | ---: |
| A idle | ${i.p50} | ${i.p95} | ${i.min} | ${i.max} |
| A with ${queuedAtStart} tasks queued | ${l.p50} | ${l.p95} | ${l.min} | ${l.max} |

Each sample in order (ms): A idle ${idle.join(', ')}; A loaded ${loaded.join(', ')}.

B's p95 under A's load is ${ratio.toFixed(2)}× its idle p95 (goal ≤ 2×: ${ratio <= 2 ? 'met' : 'not met'}); with ${SAMPLES} samples a side, the p95 is the largest but one or the largest.
`;
writeSection('fairness', markdown);
process.stdout.write(`${markdown}\n`);
