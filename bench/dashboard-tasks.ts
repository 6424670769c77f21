// The dashboard's task table with 100,000 tasks: time to first byte of the page (the server's
// work: access, the query, the counts per state, rendering) and time to a usable page in Chromium
// (the document parsed, and the live updates connected), for the first page, a deep page, filters
// and a search, as a user who sees 50 repositories.
//
//   npm run bench:dashboard [-- --tasks 100000 --requests 200 --loads 30]
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { RunningApp } from '../src/boot/start-app.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { freePort } from '../src/platform/http/free-port.ts';
import { createLogger } from '../src/platform/logging/create-logger.ts';
import { startSimulator } from '../test/sim/index.ts';
import { launchChromium } from '../test/web/support/chromium.ts';
import { installOnRepos, seedTasks, startHttpReplica } from './support/history-fixture.ts';
import { machineLine } from './support/machine.ts';
import { percentile, writeSection } from './support/results.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    loads: { type: 'string', default: '30' },
  },
});
const TASKS = Number(values.tasks);
const REQUESTS = Number(values.requests);
const LOADS = Number(values.loads);
const REPOS = 50;

const dir = mkdtempSync(path.join(tmpdir(), 'bench-dashboard-'));
chmodSync(dir, 0o755);
const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), ephemeral: true });
await migrate(postgres.url);
const sql = new pg.Pool({ connectionString: postgres.url, max: 4 });
const sim = await startSimulator();
let app: RunningApp | undefined;

type Timing = { p50: number; p95: number; max: number };
function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1)! };
}

/** Time to the response's headers (fetch resolves then) and to its last byte, sequentially. */
async function firstByte(url: string, token: string): Promise<{ ttfb: Timing; bytes: number }> {
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS + 10; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const took = performance.now() - started;
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    bytes = (await response.arrayBuffer()).byteLength;
    if (i >= 10) samples.push(took); // the first 10 warm up
  }
  return { ttfb: timing(samples), bytes };
}

// Records when the page's first live stream opened (the page's own script opens it).
const RECORD_LIVE = `(() => {
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => { window.__liveAt ??= performance.now(); });
    }
  };
})();`;

type Load = { ttfb: number; parsed: number; live: number };

async function usable(browser: Awaited<ReturnType<typeof launchChromium>>, url: string, token: string) {
  const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
  await context.addInitScript(RECORD_LIVE);
  const page = await context.newPage();
  const loads: Load[] = [];
  for (let i = 0; i < LOADS + 3; i++) {
    const response = await page.goto(url, { waitUntil: 'domcontentloaded' });
    if (response?.status() !== 200) throw new Error(`${url} answered ${response?.status()}`);
    await page.waitForFunction(() => (globalThis as { __liveAt?: number }).__liveAt !== undefined);
    // (A string: the project's TypeScript has no DOM types.)
    const load = await page.evaluate<Load & { rows: number }>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        ttfb: nav.responseStart - nav.startTime,
        parsed: nav.domContentLoadedEventEnd - nav.startTime,
        live: Math.max(window.__liveAt, nav.domContentLoadedEventEnd) - nav.startTime,
        rows: document.querySelectorAll('tr[data-task]').length,
      };
    })()`);
    if (load.rows === 0 && !url.includes('nothing')) throw new Error(`${url} showed no rows`);
    if (i >= 3) loads.push(load); // the first 3 warm up
  }
  await context.close();
  return {
    ttfb: timing(loads.map((l) => l.ttfb)),
    parsed: timing(loads.map((l) => l.parsed)),
    live: timing(loads.map((l) => l.live)),
  };
}

try {
  const { github, repoIds } = await installOnRepos(sim, REPOS, 'bench');
  const seconds = await seedTasks(sql, { repoIds, tasks: TASKS, eventsPerTask: 5 });
  const port = await freePort();
  const log = createLogger({ level: 'silent', format: 'json' });
  const publicUrl = `http://127.0.0.1:${port}`;
  app = await startHttpReplica({ sim, github, databaseUrl: postgres.url, publicUrl, port, log });
  const token = sim.appUserToken('bench', 'agent-dispatch');
  // Deep in the table: the 1,000th page of 50 (or halfway, with fewer tasks).
  const deep = TASKS >= 100_000 ? TASKS - 50 * 999 : Math.floor(TASKS / 2);
  const deepPage = Math.round((TASKS - deep) / 50) + 1;
  const pages: [string, string][] = [
    ['`/tasks` (newest 50 of all 50 repositories)', '/tasks'],
    [`\`/tasks?before=…\` (page ${deepPage.toLocaleString('en-US')})`, `/tasks?before=${deep}`],
    ['`/tasks?repository=acme/repo-7`', '/tasks?repository=acme%2Frepo-7'],
    ['`/tasks?state=running&engine=codex`', '/tasks?state=running&engine=codex'],
    ['`/tasks?q=case 4242` (search: a few matches)', '/tasks?q=case+4242'],
    ['`/tasks?q=nothing` (search: no match, every task read)', '/tasks?q=nothing'],
  ];
  const browser = await launchChromium();
  const loadBefore = loadavg()[0]!;
  const rows: { what: string; bytes: number; server: Timing; browser: Awaited<ReturnType<typeof usable>> }[] =
    [];
  for (const [what, route] of pages) {
    const server = await firstByte(`${app.url}${route}`, token);
    rows.push({
      what,
      bytes: server.bytes,
      server: server.ttfb,
      browser: await usable(browser, `${app.url}${route}`, token),
    });
  }
  await browser.close();
  const loadAfter = loadavg()[0]!;
  const ms = (n: number) => n.toFixed(0);
  const table = rows.map(
    (r) =>
      `| ${r.what} | ${(r.bytes / 1024).toFixed(0)} KiB | ${ms(r.server.p50)} / ${ms(r.server.p95)} | ${ms(r.browser.ttfb.p50)} / ${ms(r.browser.ttfb.p95)} | ${ms(r.browser.parsed.p50)} / ${ms(r.browser.parsed.p95)} | ${ms(r.browser.live.p50)} / ${ms(r.browser.live.p95)} |`,
  );
  const worst = Math.max(...rows.map((r) => r.browser.live.p95));
  const [first, deepRow] = [rows[0]!, rows[1]!];
  const nothing = rows.at(-1)!;
  writeSection(
    'dashboard',
    `## Dashboard: the tasks table

\`npm run bench:dashboard\` — ${machineLine()}

**Data.** ${TASKS.toLocaleString('en-US')} tasks in ${REPOS} repositories (seeded in ${seconds.toFixed(0)} s); the viewer has read access to all ${REPOS} (a bearer token, what GitHub says about it cached as in production). **Time to first byte** is measured twice: by a plain HTTP client (${REQUESTS} sequential requests after 10 to warm up) and by Chromium (Navigation Timing, \`responseStart\`). **Usable** is Chromium's time from the start of the navigation until the document is parsed (\`DOMContentLoaded\`, rows and filters on screen; the page needs no script to read) and until the live updates are connected as well (the page's first \`EventSource\` open), ${LOADS} loads of each page after 3 to warm up. Milliseconds, p50 / p95. The machine is shared (1-minute load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores).

| Page | Size | First byte (HTTP client) | First byte (Chromium) | Parsed | Parsed and live |
| --- | --- | --- | --- | --- | --- |
${table.join('\n')}

Server time (the HTTP client's first byte, p50): the first page ${ms(first.server.p50)} ms, page ${deepPage.toLocaleString('en-US')} ${ms(deepRow.server.p50)} ms — keyset pagination (\`before\`/\`after\` an id) reads only the page it shows; a search that matches nothing ${ms(nothing.server.p50)} ms, because the search is \`ILIKE\` over the prompt, issue title, requester and repository without a text index and has to read every visible task (as do the counts per state above the table). The slowest page's p95 to parsed and live is ${ms(worst)} ms.`,
  );
  process.stdout.write(`${JSON.stringify(rows, null, 1)}\n`);
} finally {
  await app?.stop().catch(() => {});
  await sql.end();
  await sim.close();
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
