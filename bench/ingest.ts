// Webhook ingest: throughput and latency of the App's webhook endpoint (verify, record the
// delivery, queue its job, answer) against a bare node:http endpoint doing the same signature
// check and one INSERT, on the same machine and Postgres in the same run: both servers run for
// the whole run and are measured in turn, round after round (closed loop: autocannon), then at
// fixed arrival rates (open loop: bench/support/open-loop.ts), so a change of the machine's load
// reaches both.
//
//   npm run bench:ingest [-- --seconds 10 --connections 16 --rounds 3 --rates 500,1000]
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { freePort } from '../src/platform/http/free-port.ts';
import { loadLine, machineLine } from './support/machine.ts';
import { type OpenLoopResult, openLoop } from './support/open-loop.ts';
import { percentile, writeSection } from './support/results.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    rates: { type: 'string', default: '500,1000' },
  },
});
const ROUNDS = Number(values.rounds);
const RATES = values.rates.split(',').map(Number);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROOT = path.resolve(import.meta.dirname, '..');
const SECRET = 'bench-webhook-secret-0123456789';

type Example = { name: string; examples: Record<string, unknown>[] };
const examples = JSON.parse(
  readFileSync(path.join(ROOT, 'node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
) as Example[];
const comment = examples
  .find((e) => e.name === 'issue_comment')!
  .examples.find((x) => x.action === 'created')!;
const payload = JSON.stringify({
  ...comment,
  comment: { ...(comment.comment as object), body: '/agent add a test for the parser' },
});

const SIGNATURE = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
/** A delivery's headers: a fresh id each time, the body's signature. */
function headers(): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': 'issue_comment',
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': SIGNATURE,
  };
}

async function waitForOutput(child: ChildProcess, text: string, url?: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let seen = '';
  child.stdout?.on('data', (chunk) => {
    seen += chunk;
  });
  while (Date.now() < deadline) {
    if (seen.includes(text)) return;
    if (url) {
      const ready = await fetch(url).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
    }
    if (child.exitCode !== null) throw new Error(`server exited: ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start: ${seen}`);
}

async function load(url: string, seconds: number) {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request: autocannon.Request) => ({ ...request, headers: headers(), body: payload }),
      },
    ],
  });
}

type Row = {
  name: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
};

async function measure(name: string, url: string): Promise<Row> {
  await load(url, 3); // warm up
  const result = await load(url, SECONDS);
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg') });
const admin = new pg.Client({ connectionString: postgres.url });
await admin.connect();
await admin.query('CREATE DATABASE bench_app');
await admin.query('CREATE DATABASE bench_bare');
await admin.end();
const urlOf = (db: string) => postgres.url.replace(/\/postgres$/, `/${db}`);
const node = process.execPath;
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

const BARE = 'bare node:http + verify + 1 INSERT';
const APP = 'Agent Dispatch App (verify, group commit of record + enqueue)';
type Round = { bare: Row; app: Row };
type OpenPair = { bare: OpenLoopResult; app: OpenLoopResult };
const rounds: Round[] = [];
const open: OpenPair[] = [];
const loadBefore = loadavg();
const children: ChildProcess[] = [];
try {
  const barePort = await freePort();
  const bare = spawn(node, [path.join(ROOT, 'bench/bare-ingest-server.ts')], {
    env: {
      ...process.env,
      PORT: String(barePort),
      DATABASE_URL: urlOf('bench_bare'),
      WEBHOOK_SECRET: SECRET,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(bare);
  await waitForOutput(bare, 'listening');

  const appPort = await freePort();
  const app = spawn(node, [path.join(ROOT, 'src/boot/main.ts'), '--http-only'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: urlOf('bench_app'),
      APP_ID: '1',
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      PORT: String(appPort),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(app);
  await waitForOutput(app, '\u0000', `http://127.0.0.1:${appPort}/readyz`);
  const urls = {
    bare: `http://127.0.0.1:${barePort}/`,
    app: `http://127.0.0.1:${appPort}/api/github/webhooks`,
  };

  for (let i = 0; i < ROUNDS; i++) {
    // Who goes first alternates, so neither always gets the quieter half of a round.
    const order = i % 2 === 0 ? (['bare', 'app'] as const) : (['app', 'bare'] as const);
    const round: Partial<Round> = {};
    for (const who of order) round[who] = await measure(who === 'bare' ? BARE : APP, urls[who]);
    rounds.push(round as Round);
    process.stdout.write(
      `round ${i + 1}: bare ${Math.round(round.bare!.rps)} req/s, app ${Math.round(round.app!.rps)} req/s\n`,
    );
  }
  for (const rate of RATES) {
    const run = (url: string) => openLoop({ url, rate, seconds: SECONDS, body: payload, headers });
    const pair = { bare: await run(urls.bare), app: await run(urls.app) };
    open.push(pair);
    process.stdout.write(`open loop ${rate}/s: bare p99 ${pair.bare.p99} ms, app p99 ${pair.app.p99} ms\n`);
  }
} finally {
  for (const child of children) await stop(child);
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
const loadAfter = loadavg();

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ratios = rounds.map((r) => r.app.rps / r.bare.rps);
const closedRow = (r: Row, round: number) =>
  `| ${round} | ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.non2xx} | ${r.errors} | ${r.total} |`;
const closed = [
  '| Round | Endpoint | Requests/s | p50 ms | p90 ms | p99 ms | Non-2xx | Errors | Requests |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rounds.flatMap((r, i) => [closedRow(r.bare, i + 1), closedRow(r.app, i + 1)]),
];
const openRow = (name: string, r: OpenLoopResult) =>
  `| ${r.rate} | ${name} | ${Math.round(r.achieved)} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} | ${r.non2xx} | ${r.errors} |`;
const openTable = [
  '| Offered req/s | Endpoint | Answered 2xx/s | p50 ms | p90 ms | p99 ms | max ms | Non-2xx | Errors |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...open.flatMap((p) => [openRow(BARE, p.bare), openRow(APP, p.app)]),
];
const at500 = open.find((p) => p.app.rate === 500);
const fmt = (n: number) => n.toFixed(2);
const verdict = (met: boolean) => (met ? 'met' : 'not met');
const lines = [
  `Closed loop: the App answered at ${ratios.map(fmt).join('×, ')}× the bare endpoint's rate in the ${rounds.length} rounds (median ${fmt(median(ratios))}×; goal ≥ 1.0×: ${verdict(median(ratios) >= 1)}).`,
  ...open.map(
    (p) =>
      `Open loop at ${p.app.rate} req/s offered: the App's p99 was ${p.app.p99} ms against the bare endpoint's ${p.bare.p99} ms, with ${p.app.non2xx + p.app.errors} of ${p.app.sent} requests not answered 2xx (bare: ${p.bare.non2xx + p.bare.errors}).`,
  ),
  ...(at500
    ? [
        `Goal p99 ≤ 50 ms at 500 req/s offered: ${verdict(at500.app.p99 <= 50 && at500.app.non2xx + at500.app.errors === 0)}.`,
      ]
    : []),
];
const markdown = `## Webhook ingest

\`npm run bench:ingest\` — ${machineLine()}

${loadLine(loadBefore, loadAfter)} Both endpoints ran for the whole run and were measured in turn, so they
saw the same machine; compare them with each other (the ratio), not with figures from another run.

An \`issue_comment.created\` delivery carrying an \`/agent\` command (${payload.length} bytes, from
\`@octokit/webhooks-examples\`), each request with a fresh delivery id and its HMAC signature. Both
servers are single Node processes on the same embedded PostgreSQL (durable settings: fsync and
synchronous commit on, so a 202 means the delivery is on disk). The App ran with \`--http-only\` so the
numbers are the ingest path alone (its workers would compete for the same two cores).

Closed loop (autocannon in the benchmark process, ${CONNECTIONS} connections, ${SECONDS} s after a 3 s warm-up
per measurement, ${rounds.length} rounds, the first endpoint alternating):

${closed.join('\n')}

Open loop (fixed arrival rate for ${SECONDS} s, latency from the moment each request was due, up to 512
connections):

${openTable.join('\n')}

${lines.join('\n\n')}
`;
writeSection('ingest', markdown);
process.stdout.write(`${markdown}\n`);
