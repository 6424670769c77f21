// The /agent loop in the simulator: latency from the comment's webhook to the workflow dispatch
// and to the pull request, and how many GitHub API calls (and content-creating calls) one task
// costs. Tasks run one after another, with the App's production pacing of GitHub requests.
//
//   npm run bench:loop [-- --tasks 20 --spaced 8]   (back-to-back tasks, and tasks that start with a full bucket)
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isTerminal } from '../src/core/task/task-states.ts';
import { MAX_CONCURRENT_PER_INSTALLATION } from '../src/github/octokit.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { getTask } from '../src/store/tasks.ts';
import { COMMAND_CONFIG, startSystem } from '../test/support/system.ts';
import { loadLine, machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const { values } = parseArgs({
  options: { tasks: { type: 'string', default: '20' }, spaced: { type: 'string', default: '8' } },
});
const TASKS = Number(values.tasks);
/** Tasks that each start with the installation's write bucket full again (an idle installation). */
const SPACED = Number(values.spaced);
const BURST = 10;
const PER_MINUTE = 60;
/** How long an emptied bucket takes to fill up again. */
const REFILL_MS = (BURST / PER_MINUTE) * 60_000;
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

const dir = mkdtempSync(path.join(tmpdir(), 'bench-loop-'));
chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true });
const system = await startSystem({
  databaseUrl: postgres.url,
  // One user asks for every task: lift the per-user limit (10 an hour by default) above the count.
  agentConfig: { ...COMMAND_CONFIG, 'rate-limit': { 'per-user-per-hour': 1000 } },
  files: { 'agent.sh': 'echo "change $RANDOM" > "change-$RANDOM.txt"\n' },
  // Production pacing, as a real deployment runs it.
  env: {
    GITHUB_WRITES_PER_MINUTE: String(PER_MINUTE),
    GITHUB_WRITE_BURST: String(BURST),
    // The hourly cap (450, under GitHub's 500) would turn this into a wait after ~30 tasks; its
    // ceiling is computed below instead.
    GITHUB_WRITES_PER_HOUR: '10000000',
    LOG_LEVEL: 'silent',
  },
});
const { sim, app } = system;

type Sample = {
  /** Started with the write bucket full (after REFILL_MS idle), or right after the previous task. */
  spaced: boolean;
  toDispatch: number;
  toPr: number;
  calls: number;
  writes: number;
  tokens: number;
  /** The task's GitHub requests up to its dispatch, in ms from the comment, with their durations. */
  trace: string[];
  /** Of comment → dispatch, the time no request of the task was in flight: the App's and its queue's. */
  appMs: number;
  /** Every call of the task, `METHOD route`. */
  routes: string[];
};

type Interval = { start: number; end: number };
/** The time in [0, until) that none of the intervals covers. */
function uncovered(intervals: Interval[], until: number): number {
  let free = 0;
  let reached = 0;
  for (const { start, end } of [...intervals].sort((a, b) => a.start - b.start)) {
    if (start >= until) break;
    if (start > reached) free += start - reached;
    reached = Math.max(reached, Math.min(end, until));
  }
  return free + Math.max(0, until - reached);
}

/** What `of` has beyond `base` and lacks of it, as `+route` / `−route` (multisets). */
function difference(of: string[], base: string[]): string[] {
  const left = new Map<string, number>();
  for (const route of base) left.set(route, (left.get(route) ?? 0) + 1);
  const extra: string[] = [];
  for (const route of of) {
    const n = left.get(route) ?? 0;
    if (n > 0) left.set(route, n - 1);
    else extra.push(`+${route}`);
  }
  for (const [route, n] of left) for (let i = 0; i < n; i++) extra.push(`−${route}`);
  return extra;
}
const samples: Sample[] = [];
const loadBefore = loadavg();
try {
  for (let i = 0; i < SPACED + TASKS; i++) {
    const spaced = i < SPACED;
    if (spaced) await new Promise((resolve) => setTimeout(resolve, REFILL_MS));
    const issue = await sim.createIssue({ repo: 'acme/widgets', user: 'alice', title: `Bench task ${i}` });
    const firstRecord = sim.requests.length;
    const sent = Date.now();
    await sim.createComment({
      repo: 'acme/widgets',
      issue: issue.number,
      user: 'alice',
      body: '/agent make a change',
    });
    let taskId: number | undefined;
    const deadline = sent + 120_000;
    while (true) {
      if (Date.now() > deadline) throw new Error(`task for issue #${issue.number} did not end within 120 s`);
      const row = await app.pool.query('SELECT id FROM tasks WHERE issue_number = $1', [issue.number]);
      taskId = row.rows[0] ? Number(row.rows[0].id) : undefined;
      const task = taskId ? await getTask(app.pool, taskId) : undefined;
      if (task && isTerminal(task.state)) {
        if (task.state !== 'succeeded')
          throw new Error(`task ${task.id} ended ${task.state}: ${task.errorMessage}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const done = Date.now();
    // Let the last status comment edit and check run land before counting.
    while (true) {
      await sim.idle();
      const pending = await app.pool.query(
        `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE attempts < max_attempts`,
      );
      if (pending.rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const records = sim.requests.slice(firstRecord);
    // The task's calls are the installation's; App-JWT calls (installation tokens, the redelivery
    // sweep's listing) belong to the App, whatever task they fall beside.
    const own = records.filter((r) => r.principal?.kind === 'installation');
    const dispatchAt = own.findIndex((r) => r.method === 'POST' && r.route?.endsWith('/dispatches'));
    const dispatch = own[dispatchAt];
    const toDispatch = dispatch ? Date.parse(dispatch.at) - sent : Number.NaN;
    // The log is in the order requests were answered; up to the dispatch, by when they started.
    const before = own
      .filter((r) => Date.parse(r.at) <= Date.parse(dispatch?.at ?? r.at))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const intervals = before
      .filter((r) => r !== dispatch)
      .map((r) => ({ start: Date.parse(r.at) - sent, end: Date.parse(r.at) - sent + r.durationMs }));
    samples.push({
      spaced,
      toDispatch,
      toPr: done - sent,
      calls: own.length,
      writes: own.filter((r) => WRITES.has(r.method)).length,
      tokens: records.filter((r) => r.route?.endsWith('/access_tokens')).length,
      trace: before.map(
        (r) =>
          `${Date.parse(r.at) - sent} ms ${r.method} ${r.route ?? r.path} (${Math.round(r.durationMs)} ms)`,
      ),
      appMs: Math.round(uncovered(intervals, toDispatch)),
      routes: own.map((r) => `${r.method} ${r.route ?? r.path}`),
    });
    process.stdout.write(
      `task ${i + 1}/${SPACED + TASKS}${spaced ? ' (bucket full)' : ''}: dispatch ${samples.at(-1)!.toDispatch} ms, PR ${samples.at(-1)!.toPr} ms\n`,
    );
  }
} finally {
  await system.stop();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}

const idle = samples.filter((s) => s.spaced);
const backToBack = samples.filter((s) => !s.spaced);
const sortedOf = (of: Sample[], pick: (s: Sample) => number) => of.map(pick).sort((a, b) => a - b);
const mean = (pick: (s: Sample) => number) => samples.reduce((sum, s) => sum + pick(s), 0) / samples.length;
// The repository's first task also reads its setup (the first-task checklist); every later one
// is the steady state.
const [first, ...steady] = samples;
const steadySorted = (pick: (s: Sample) => number) => steady.map(pick).sort((a, b) => a - b);
const callRow = (name: string, pick: (s: Sample) => number) =>
  `| ${name} | ${pick(first!)} | ${(steady.reduce((sum, s) => sum + pick(s), 0) / steady.length).toFixed(1)} | ${Math.min(...steadySorted(pick))} | ${Math.max(...steadySorted(pick))} |`;
// The median task's requests up to its dispatch: where the time before the first write goes.
const medianTask = [...samples].sort((a, b) => a.toDispatch - b.toDispatch)[Math.floor(samples.length / 2)]!;
// The calls most later tasks made, and what each task that made others did beyond them.
const usual = (() => {
  const counts = new Map<string, { n: number; routes: string[] }>();
  for (const sample of steady) {
    const key = [...sample.routes].sort().join('\n');
    const entry = counts.get(key) ?? { n: 0, routes: [...sample.routes].sort() };
    entry.n++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0]!;
})();
const unusual = steady
  .map((sample, i) => ({ task: i + 2, sample, extra: difference(sample.routes, usual.routes) }))
  .filter((t) => t.extra.length > 0);
const row = (name: string, of: Sample[], pick: (s: Sample) => number) => {
  const values = sortedOf(of, pick);
  return `| ${name} | ${percentile(values, 50)} | ${percentile(values, 95)} | ${Math.min(...values)} | ${Math.max(...values)} |`;
};

const p = (of: Sample[], pick: (s: Sample) => number, at: number) => percentile(sortedOf(of, pick), at);
const verdict = (met: boolean) => (met ? 'met' : 'not met');
const dispatchGoal = (name: string, of: Sample[]) =>
  `comment → dispatch ${name} p50 ${p(of, (s) => s.toDispatch, 50)} ms (goal ≤ 100 ms: ${verdict(p(of, (s) => s.toDispatch, 50) <= 100)}), p95 ${p(of, (s) => s.toDispatch, 95)} ms (goal ≤ 250 ms: ${verdict(p(of, (s) => s.toDispatch, 95) <= 250)})`;
const prGoal = (name: string, of: Sample[]) =>
  `comment → PR ${name} p50 ${p(of, (s) => s.toPr, 50)} ms (goal ≤ 3000 ms: ${verdict(p(of, (s) => s.toPr, 50) <= 3000)})`;
const goals = [
  dispatchGoal('with the bucket full', idle),
  dispatchGoal('back to back', backToBack),
  `${prGoal('with the bucket full', idle)}; ${prGoal('back to back', backToBack)} (both include the simulated runner's job and the action, not only the App)`,
  `REST calls per task after the first at most ${Math.max(...steadySorted((s) => s.calls))} (goal ≤ 20: ${verdict(Math.max(...steadySorted((s) => s.calls)) <= 20)}), content-creating calls at most ${Math.max(...steadySorted((s) => s.writes))} (goal ≤ 11: ${verdict(Math.max(...steadySorted((s) => s.writes)) <= 11)}); the repository's first task ${first!.calls} and ${first!.writes}`,
];
// Back to back, a task's writes wait for the bucket: at PER_MINUTE a minute, its writes take this long.
const paced = Math.round((mean((s) => s.writes) * 60_000) / PER_MINUTE);

const markdown = `## The /agent loop in the simulator

\`npm run bench:loop\` — ${machineLine()}

${loadLine(loadBefore, loadavg())}

${SPACED + TASKS} tasks, one after another, each from a new issue: alice comments \`/agent make a change\`;
the App (one process, real embedded PostgreSQL) dispatches the workflow; the simulator's runner runs
the bundled action with a one-line \`command\` engine; the App publishes a pull request. GitHub
requests are paced as in production: the shared per-installation bucket (a burst of 10, then 60
content-creating requests a minute) and at most ${MAX_CONCURRENT_PER_INSTALLATION} requests of one installation in flight per process;
there is no fixed spacing between writes. Only the hourly cap is lifted here; its ceiling is given
below. The first ${SPACED} tasks each start after ${REFILL_MS / 1000} s idle, when the installation's
bucket is full again (an installation with an occasional task); the other ${TASKS} start as soon as
the previous one ended (a busy installation, whose writes wait for the bucket: at ${PER_MINUTE} a
minute, a task's ${mean((s) => s.writes).toFixed(1)} writes need about ${paced} ms of it).

| Latency (ms) | p50 | p95 | min | max |
| --- | --- | --- | --- | --- |
${row('bucket full: comment webhook → workflow_dispatch request', idle, (s) => s.toDispatch)}
${row('bucket full: of it, no GitHub request of the task in flight (the App and its queue)', idle, (s) => s.appMs)}
${row('bucket full: comment webhook → pull request opened, task succeeded', idle, (s) => s.toPr)}
${row('back to back: comment webhook → workflow_dispatch request', backToBack, (s) => s.toDispatch)}
${row('back to back: of it, no GitHub request of the task in flight (the App and its queue)', backToBack, (s) => s.appMs)}
${row('back to back: comment webhook → pull request opened, task succeeded', backToBack, (s) => s.toPr)}

| GitHub API calls per task (the installation's) | first task | later tasks, mean | min | max |
| --- | --- | --- | --- | --- |
${callRow('all REST calls', (s) => s.calls)}
${callRow('content-creating calls (POST/PATCH/PUT/DELETE)', (s) => s.writes)}
${callRow('installation-token requests (App JWT; cached per repository and purpose for about an hour)', (s) => s.tokens)}

"No GitHub request of the task in flight" is comment → dispatch less the time covered by the
task's requests as the simulator timed them (from its router to its answer). The simulator runs in
the App's process, so that remainder is the App's work, its queue's, and the simulator's own work
outside those timings (delivering the webhook, parsing requests, writing answers) on one event
loop: an upper bound of the App's share.

The median task's requests up to its dispatch (start in ms from the comment's webhook, and how
long the simulator took to answer; requests side by side start before the previous one ended):

${medianTask.trace.map((line) => `- ${line}`).join('\n')}

${usual.n} of the ${steady.length} later tasks made the same ${usual.routes.length} calls. ${
  unusual.length === 0
    ? 'The others made them too.'
    : `The rest, by what they made beyond those (+) or did not make (−):\n\n${unusual
        .map((t) => `- task ${t.task}: ${t.extra.join(', ')}`)
        .join('\n')}`
}

Against issue 13's goals: ${goals.join('; ')}.

At the App's default pacing (60 content-creating requests a minute, 450 an hour, under GitHub's
published 80 and 500), one installation can finish about
${Math.floor(60 / mean((s) => s.writes))} tasks a minute for a short while and about
${Math.floor(450 / mean((s) => s.writes))} tasks an hour; beyond that, work waits for its turn at the
pacing (jobs hold their place in the queue) rather than tripping GitHub's limits.
`;
writeSection('loop', markdown);
process.stdout.write(`${markdown}\n`);
