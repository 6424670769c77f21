// Task history at scale: latency of the task list and task detail with 100,000 tasks and 2,000,000
// events in Postgres, for a signed-in user who sees 50 repositories (bearer token, through the
// simulator's /user routes, cached); and live fan-out: 200 SSE clients of one task's transcript,
// split over two App replicas, each batch's delivery time from its commit to the last client.
//
//   npm run bench:api [-- --tasks 100000 --events-per-task 20 --requests 400 --subscribers 200]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import pg from 'pg';
import type { RunningApp } from '../src/boot/start-app.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { freePort } from '../src/platform/http/free-port.ts';
import { createLogger } from '../src/platform/logging/create-logger.ts';
import { inTransaction } from '../src/store/transactions.ts';
import { appendTranscript } from '../src/store/transcripts.ts';
import { startSimulator } from '../test/sim/index.ts';
import { type Installed, installOnRepos, seedTasks, startHttpReplica } from './support/history-fixture.ts';
import { machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    'events-per-task': { type: 'string', default: '20' },
    requests: { type: 'string', default: '400' },
    subscribers: { type: 'string', default: '200' },
    batches: { type: 'string', default: '30' },
  },
});
const TASKS = Number(values.tasks);
const EVENTS = Number(values['events-per-task']);
const REQUESTS = Number(values.requests);
const SUBSCRIBERS = Number(values.subscribers);
const BATCHES = Number(values.batches);
const REPOS = 50;
const TARGET_MS = 50;

const dir = mkdtempSync(path.join(tmpdir(), 'bench-api-'));
chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true });
await migrate(postgres.url);
const sql = new pg.Pool({ connectionString: postgres.url, max: 4 });
const sim = await startSimulator();
const log = createLogger({ level: 'silent', format: 'json' });
const apps: RunningApp[] = [];

async function startReplica(github: Installed['github'], publicUrl: string, port: number) {
  const app = await startHttpReplica({ sim, github, databaseUrl: postgres.url, publicUrl, port, log });
  apps.push(app);
  return app;
}

type Timing = { p50: number; p95: number; p99: number; max: number };
function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1)!,
  };
}

async function measure(url: (i: number) => string, token: string): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS + 20; i++) {
    const started = performance.now();
    const response = await fetch(url(i), { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`${url(i)} answered ${response.status}`);
    await response.arrayBuffer();
    if (i >= 20) samples.push(performance.now() - started); // the first 20 warm up
  }
  return timing(samples);
}

async function fanOut(
  urls: string[],
  token: string,
  taskId: number,
): Promise<{ delivery: Timing; connected: number }> {
  const received = new Map<number, number[]>(); // batch number → arrival times
  const readers = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, async (_, i) => {
      const response = await fetch(`${urls[i % urls.length]}/api/v1/tasks/${taskId}/transcript`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
      });
      const reader = response
        .body!.pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream())
        .getReader();
      void (async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done || !value) return;
          const batch = Number(JSON.parse(value.data).event.text.split(' ')[1]);
          const times = received.get(batch) ?? [];
          times.push(performance.now());
          received.set(batch, times);
        }
      })();
      return reader;
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const committed = new Map<number, number>();
  for (let b = 0; b < BATCHES; b++) {
    await inTransaction(sql, (client) =>
      appendTranscript(
        client,
        taskId,
        1,
        [{ idx: b, event: { kind: 'text', text: `batch ${b}` } }],
        1_000_000,
      ),
    );
    committed.set(b, performance.now());
    const deadline = performance.now() + 10_000;
    while ((received.get(b)?.length ?? 0) < SUBSCRIBERS && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const lastArrivals = [...committed].map(([b, at]) => Math.max(...(received.get(b) ?? [Infinity])) - at);
  const complete = [...committed.keys()].filter((b) => (received.get(b)?.length ?? 0) === SUBSCRIBERS).length;
  for (const reader of readers) await reader.cancel().catch(() => {});
  return { delivery: timing(lastArrivals), connected: complete };
}

try {
  const { github, repoIds } = await installOnRepos(sim, REPOS, 'bench');
  const seconds = await seedTasks(sql, { repoIds, tasks: TASKS, eventsPerTask: EVENTS });
  const counts = (
    await sql.query('SELECT (SELECT count(*) FROM tasks) AS t, (SELECT count(*) FROM task_events) AS e')
  ).rows[0] as { t: string; e: string };

  const [portA, portB] = [await freePort(), await freePort()];
  const a = await startReplica(github, `http://127.0.0.1:${portA}`, portA);
  const b = await startReplica(github, `http://127.0.0.1:${portA}`, portB);
  const token = sim.appUserToken('bench', 'agent-dispatch');
  const api = `${a.url}/api/v1`;
  const cursorPage = (await (
    await fetch(`${api}/tasks?limit=25`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    nextCursor: string;
  };
  const pick = (i: number) => 1 + ((i * 7919) % TASKS);
  const loadBefore = loadavg()[0]!;
  const rows: [string, Timing][] = [
    ['`GET /tasks` (newest 25 of all 50 repositories)', await measure(() => `${api}/tasks`, token)],
    [
      '`GET /tasks?cursor=…` (the second page)',
      await measure(() => `${api}/tasks?cursor=${cursorPage.nextCursor}`, token),
    ],
    [
      '`GET /tasks?repository=acme/repo-7`',
      await measure(() => `${api}/tasks?repository=acme/repo-7`, token),
    ],
    [
      '`GET /tasks?state=running&engine=codex`',
      await measure(() => `${api}/tasks?state=running&engine=codex`, token),
    ],
    [
      '`GET /tasks?requester=user-3&since=…` (last 30 days)',
      await measure(
        () => `${api}/tasks?requester=user-3&since=${new Date(Date.now() - 30 * 86_400_000).toISOString()}`,
        token,
      ),
    ],
    ['`GET /tasks?engine=none` (matches nothing)', await measure(() => `${api}/tasks?engine=none`, token)],
    [
      '`GET /tasks/{id}` (a random task: events, usage, links)',
      await measure((i) => `${api}/tasks/${pick(i)}`, token),
    ],
  ];
  const fan = await fanOut([a.url!, b.url!], token, pick(1));
  const loadAfter = loadavg()[0]!;

  const worstList = Math.max(...rows.slice(0, -1).map(([, t]) => t.p95));
  const detail = rows.at(-1)![1];
  const fmt = (n: number) => n.toFixed(1);
  const table = rows.map(
    ([what, t]) => `| ${what} | ${fmt(t.p50)} | ${fmt(t.p95)} | ${fmt(t.p99)} | ${fmt(t.max)} |`,
  );
  const verdict = (p95: number) =>
    p95 <= TARGET_MS ? `within the ${TARGET_MS} ms target` : `above the ${TARGET_MS} ms target`;
  writeSection(
    'api',
    `## Task history API

\`npm run bench:api\` — ${machineLine()}

**Data.** ${Number(counts.t).toLocaleString('en-US')} tasks in ${REPOS} repositories and ${Number(counts.e).toLocaleString('en-US')} task events (${EVENTS} a task), seeded in ${seconds.toFixed(0)} s. The caller is a user with read access to all ${REPOS} repositories, with a bearer token (what GitHub says about it is cached, as in production); one App replica answers, sequential requests, ${REQUESTS} of each after 20 to warm up. Milliseconds, measured by the client on the same machine (HTTP, JSON validation against the response schemas included); the machine is shared (its 1-minute load average was ${loadBefore.toFixed(1)} when the requests began and ${loadAfter.toFixed(1)} after the fan-out, on ${cpus().length} cores), so the tail columns carry whatever else ran.

| Request | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- |
${table.join('\n')}

The slowest list query's p95 is ${fmt(worstList)} ms, ${verdict(worstList)}; the task detail's p95 is ${fmt(detail.p95)} ms, ${verdict(detail.p95)}.

**Live fan-out.** ${SUBSCRIBERS} SSE clients of one task's transcript, half on each of two App replicas on the same Postgres; ${BATCHES} transcript batches committed one after another. Time from each batch's commit to its arrival at the *last* of the ${SUBSCRIBERS} clients: p50 ${fmt(fan.delivery.p50)} ms, p95 ${fmt(fan.delivery.p95)} ms, max ${fmt(fan.delivery.max)} ms. ${fan.connected} of ${BATCHES} batches reached all ${SUBSCRIBERS} clients${fan.connected === BATCHES ? '' : ' (the rest missed some clients within 10 s)'}.`,
  );
  process.stdout.write(`${JSON.stringify({ rows, fan }, null, 1)}\n`);
} finally {
  for (const app of apps) await app.stop().catch(() => {});
  await sql.end();
  await sim.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
