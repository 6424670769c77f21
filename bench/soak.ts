// Soak: many webhook deliveries through one App process (its own process, `src/boot/main.ts`,
// ingest and queue worker together, talking to the GitHub simulator), watching the process's
// resident memory and the Postgres tables it writes, then letting the retention sweep run as in
// production over records aged past their retention. Goals (issue 13): RSS growth < 10 %, and
// no table holding more rows than before once retention has run.
//
//   npm run bench:soak [-- --deliveries 100000 --warmup 5000 --connections 16]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { freePort } from '../src/platform/http/free-port.ts';
import { accountByLogin } from '../test/sim/state/store.ts';
import { divertWebhooks } from '../test/support/divert-webhooks.ts';
import { COMMAND_CONFIG, startSystem } from '../test/support/system.ts';
import { type HeapFigures, heapFigures, liveHeapBytes, startAppProcess } from './support/app-process.ts';
import { machineLine } from './support/machine.ts';
import { writeSection } from './support/results.ts';
import { drainQueue, runRetention } from './support/retention.ts';
import { soakReport } from './support/soak-report.ts';
import { type TableSize, tableSizes } from './support/table-sizes.ts';
import { type Delivery, deliveryHeaders, type Target, webhookMix } from './support/webhook-mix.ts';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '100000' },
    warmup: { type: 'string', default: '5000' },
    connections: { type: 'string', default: '16' },
  },
});
const DELIVERIES = Number(values.deliveries);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
/** Users without access to the repository, each with a few `/agent` comments. */
const METRICS_TOKEN = 'soak-metrics-token-0123456789';
const OUTSIDERS = Array.from({ length: 10 }, (_, i) => `outsider-${i}`);

const dir = mkdtempSync(path.join(tmpdir(), 'bench-soak-'));
chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true });
// The simulator with the repository and the installation; the in-process App it starts is only
// the setup (it migrates the database) and gives way to the App's own process below.
const system = await startSystem({
  databaseUrl: postgres.url,
  users: Object.fromEntries(OUTSIDERS.map((login) => [login, 'none' as const])),
  // Requests from below the bar are refused with a reply (not held for approval as by default).
  agentConfig: { ...COMMAND_CONFIG, trigger: { 'below-permission': 'refuse' } },
});
const { sim, github, repo, config } = system;
await system.app.stop();
// Every refused command reads the repository's config and the commenter's permission: 2 of the
// installation's 5,000 requests an hour, which the soak's commands use up in its first minute.
// The soak is about memory and tables, so the simulator's primary limit is lifted.
sim.core.rateLimits.setLimit(100_000_000);
const say = (text: string) =>
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} soak: ${text}\n`);
say('simulator and database ready');
const db = new pg.Pool({ connectionString: postgres.url, max: 2 });

type RssSample = { at: number; phase: string; delivered: number; bytes: number; heap?: HeapFigures };
const rss: RssSample[] = [];
const during: TableSize[][] = [];
let phase = 'idle';
let delivered = 0;
const loadBefore = loadavg();
const startedAt = Date.now();
let app: Awaited<ReturnType<typeof startAppProcess>> | undefined;
try {
  // The simulator delivers the webhooks of these comments (awaited) elsewhere: the soak sends its own.
  const { target, issueNumber } = await divertWebhooks(sim, github.slug, async () => {
    const issue = await sim.createIssue({ repo: repo.fullName, user: 'alice', title: 'Soak' });
    const commands: Target['commands'] = [];
    for (const login of OUTSIDERS) {
      for (let i = 0; i < 3; i++) {
        const body = `/agent fix the flaky parser test (${i})`;
        const made = await sim.createComment({ repo: repo.fullName, issue: issue.number, user: login, body });
        commands.push({
          commentId: made.id,
          body,
          user: { login, id: accountByLogin(sim.core.store, login)!.id },
        });
      }
    }
    const installationId = [...sim.core.store.installations.values()].find((i) => i.appId === github.id)!.id;
    return {
      issueNumber: issue.number,
      target: {
        installationId,
        repo: { id: repo.id, owner: repo.owner, name: repo.name },
        issueNumber: issue.number,
        commands,
      },
    };
  });
  say(`${target.commands.length} commands by users without access; starting the App`);
  const mix = webhookMix(target, github.webhookSecret!);
  const inspectPort = await freePort();
  const nodeOptions = [`--inspect-port=127.0.0.1:${inspectPort}`, process.env.SOAK_NODE_OPTIONS ?? ''];

  app = await startAppProcess(
    {
      DATABASE_URL: postgres.url,
      APP_ID: String(github.id),
      PRIVATE_KEY: github.privateKey,
      WEBHOOK_SECRET: github.webhookSecret!,
      GITHUB_API_URL: sim.apiUrl,
      GITHUB_WEB_URL: sim.url,
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      OIDC_ISSUER: sim.oidcIssuerUrl,
      PUBLIC_URL: config.publicUrl,
      PORT: String(config.port),
      // The simulator does not pace like GitHub; the few replies and reactions need no pacing here.
      GITHUB_WRITES_PER_MINUTE: '100000',
      GITHUB_WRITE_BURST: '1000',
      GITHUB_WRITES_PER_HOUR: '10000000',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
      METRICS_TOKEN,
      NODE_OPTIONS: nodeOptions.join(' ').trim(),
    },
    `${config.publicUrl}/readyz`,
  );
  const child = app;
  // RSS every second; the V8 heap and external memory (from /metrics) every fifth.
  let heapPending = false;
  const sampler = setInterval(() => {
    const sample: RssSample = { at: Date.now() - startedAt, phase, delivered, bytes: child.rss() };
    rss.push(sample);
    if (rss.length % 5 !== 1 || heapPending) return;
    heapPending = true;
    heapFigures(`${config.publicUrl}/metrics`, METRICS_TOKEN)
      .then((heap) => {
        sample.heap = heap;
      })
      // A scrape that fails leaves this sample without heap figures (shown as —).
      .catch(() => undefined)
      .finally(() => {
        heapPending = false;
      });
  }, 1000);

  let next = 0;
  const send = async (amount: number) => {
    const result = await autocannon({
      url: `${config.publicUrl}/api/github/webhooks`,
      connections: CONNECTIONS,
      amount,
      requests: [
        {
          method: 'POST',
          setupRequest: (request: autocannon.Request) => {
            const delivery: Delivery = mix[next++ % mix.length]!;
            delivered++;
            return { ...request, headers: deliveryHeaders(delivery), body: delivery.body };
          },
        },
      ],
    });
    return result;
  };

  say(`App ready (pid ${child.pid}, RSS ${Math.round(child.rss() / 1024 ** 2)} MiB); warming up`);
  phase = 'warm-up';
  const warm = await send(WARMUP);
  await drainQueue(db);
  // The steady state to compare with: the warm-up's records once retention has run over them.
  say('warm-up drained; running retention over it');
  const settle = await runRetention(db);
  const before = await tableSizes(db);
  // RSS first: the full collection that measures the live heap changes what RSS reads next.
  const start = { rss: child.rss(), live: await liveHeapBytes(child.pid, inspectPort) };
  phase = 'soak';
  const soakStart = Date.now();
  let sampling = Promise.resolve();
  const tableTimer = setInterval(() => {
    sampling = sampling.then(async () => void during.push(await tableSizes(db)));
  }, 20_000);
  say(`warm-up done; sending ${DELIVERIES} deliveries`);
  const soak = await send(DELIVERIES);
  say('sent; draining the queue');
  const sentSeconds = (Date.now() - soakStart) / 1000;
  phase = 'drain';
  await drainQueue(db);
  const drainedSeconds = (Date.now() - soakStart) / 1000;
  clearInterval(tableTimer);
  await sampling;
  const afterLoad = await tableSizes(db);
  phase = 'idle after';
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const end = { rss: child.rss(), live: await liveHeapBytes(child.pid, inspectPort) };
  const outcomes = await db.query<{ outcome: string; n: number }>(
    'SELECT outcome, count(*)::int AS n FROM webhook_deliveries GROUP BY outcome ORDER BY outcome',
  );
  say('drained; running retention');
  phase = 'retention';
  const retention = await runRetention(db);
  const afterRetention = await tableSizes(db);
  clearInterval(sampler);
  const markdown = soakReport({
    machine: machineLine(),
    load: { before: loadBefore, after: loadavg() },
    deliveries: DELIVERIES,
    warmup: WARMUP,
    connections: CONNECTIONS,
    mix,
    issueNumber,
    outsiders: OUTSIDERS.length,
    http: {
      warm: { non2xx: warm.non2xx, errors: warm.errors },
      soak: {
        non2xx: soak.non2xx,
        errors: soak.errors,
        p99: soak.latency.p99,
        rps: DELIVERIES / sentSeconds,
      },
    },
    sentSeconds,
    drainedSeconds,
    rss,
    marks: { start, end },
    tables: { before, during, afterLoad, afterRetention },
    retention: { settle, soak: retention },
    outcomesBeforeRetention: outcomes.rows,
  });
  writeSection('soak', markdown);
  process.stdout.write(`${markdown}\n`);
} finally {
  await app?.stop();
  await db.end();
  await sim.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
