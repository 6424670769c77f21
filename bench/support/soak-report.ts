// The soak benchmark's section of docs/benchmarks.md, every sentence derived from its figures.
import { loadLine } from './machine.ts';
import type { RetentionRun } from './retention.ts';
import type { TableSize } from './table-sizes.ts';
import type { Delivery, Kind } from './webhook-mix.ts';

export type SoakFigures = {
  machine: string;
  load: { before: number[]; after: number[] };
  deliveries: number;
  warmup: number;
  connections: number;
  mix: Delivery[];
  issueNumber: number;
  outsiders: number;
  http: {
    warm: { non2xx: number; errors: number };
    soak: { non2xx: number; errors: number; p99: number; rps: number };
  };
  sentSeconds: number;
  drainedSeconds: number;
  rss: {
    at: number;
    phase: string;
    delivered: number;
    bytes: number;
    heap?: { heapUsed: number; heapTotal: number; external: number };
  }[];
  /** RSS and the live heap after a full collection, at the start of the soak and at its end. */
  marks: { start: { rss: number; live: number }; end: { rss: number; live: number } };
  tables: { before: TableSize[]; during: TableSize[][]; afterLoad: TableSize[]; afterRetention: TableSize[] };
  /** Retention over the warm-up (the baseline), and over the soak. */
  retention: { settle: RetentionRun; soak: RetentionRun };
  outcomesBeforeRetention: { outcome: string; n: number }[];
};

const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);
const kib = (bytes: number) => `${Math.round(bytes / 1024)}`;
const verdict = (met: boolean) => (met ? 'met' : 'not met');

function mixText(mix: Delivery[]): string {
  const counts = new Map<Kind, Map<string, number>>();
  for (const d of mix) {
    const events = counts.get(d.kind) ?? new Map<string, number>();
    events.set(d.event, (events.get(d.event) ?? 0) + 1);
    counts.set(d.kind, events);
  }
  return [...counts]
    .map(([kind, events]) => {
      const total = [...events.values()].reduce((a, b) => a + b, 0);
      const list = [...events].map(([event, n]) => `${n} \`${event}\``).join(', ');
      return `${total} ${kind} (${list})`;
    })
    .join('; ');
}

function rssFigures(f: SoakFigures) {
  const of = (phase: string) => f.rss.filter((s) => s.phase === phase);
  const idle = of('idle')[0] ?? f.rss[0]!;
  const soak = of('soak');
  const loaded = f.rss.filter((s) => ['soak', 'drain'].includes(s.phase));
  const max = loaded.reduce((a, b) => (b.bytes > a.bytes ? b : a), loaded[0] ?? idle);
  const { start, end } = f.marks;
  return {
    idle,
    max,
    soak,
    growth: (end.rss - start.rss) / start.rss,
    liveGrowth: (end.live - start.live) / start.live,
  };
}

function rssOverTime(soak: SoakFigures['rss']): string[] {
  const points = 10;
  const picked = new Set<number>();
  for (let i = 0; i <= points; i++) picked.add(Math.round((i / points) * (soak.length - 1)));
  const rows = [...picked]
    .filter((i) => soak[i])
    .map((i) => soak[i]!)
    .map((s) => {
      const heap = [...soak].reverse().find((h) => h.heap && h.at <= s.at)?.heap;
      const h = heap ? `${mib(heap.heapUsed)} | ${mib(heap.heapTotal)} | ${mib(heap.external)}` : '— | — | —';
      return `| ${(s.at / 1000).toFixed(0)} | ${s.delivered} | ${mib(s.bytes)} | ${h} |`;
    });
  return [
    '| Seconds since start | Deliveries sent | RSS MiB | V8 heap used MiB | V8 heap total MiB | external MiB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}

function tableRows(f: SoakFigures): { lines: string[]; grown: string[] } {
  const find = (list: TableSize[], table: string) => list.find((t) => t.table === table);
  const lines: string[] = [];
  const grown: string[] = [];
  for (const before of f.tables.before) {
    const t = before.table;
    const duringRows = f.tables.during.map((sample) => find(sample, t)?.rows ?? 0);
    const after = find(f.tables.afterLoad, t);
    const kept = find(f.tables.afterRetention, t);
    const maxDuring = Math.max(0, ...duringRows);
    if (kept && kept.rows > before.rows) grown.push(`\`${t}\` (${before.rows} → ${kept.rows} rows)`);
    if (before.rows + maxDuring + (after?.rows ?? 0) + (kept?.rows ?? 0) === 0) continue;
    lines.push(
      `| \`${t}\` | ${before.rows} | ${maxDuring} | ${after?.rows ?? '—'} | ${kept?.rows ?? '—'} | ${kib(before.bytes)} | ${after ? kib(after.bytes) : '—'} | ${kept ? kib(kept.bytes) : '—'} |`,
    );
  }
  return {
    lines: [
      '| Table | Rows before | Rows, most while sampled | Rows after the load | Rows after retention | KiB before | KiB after the load | KiB after retention |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...lines,
    ],
    grown,
  };
}

export function soakReport(f: SoakFigures): string {
  const r = rssFigures(f);
  const tables = tableRows(f);
  const refused = f.http.soak.non2xx + f.http.soak.errors + f.http.warm.non2xx + f.http.warm.errors;
  const outcomes = f.outcomesBeforeRetention.map((o) => `${o.n} ${o.outcome}`).join(', ');
  const failed = f.outcomesBeforeRetention.find((o) => o.outcome === 'failed')?.n ?? 0;
  const ret = f.retention.soak;
  const settle = f.retention.settle;
  return `## Soak

\`npm run bench:soak\` — ${f.machine}

${loadLine(f.load.before, f.load.after)}

One App process (\`src/boot/main.ts\` as \`npm start\` runs it: webhook endpoint and queue worker, production
settings except GitHub write pacing, which the simulator does not need) on embedded PostgreSQL,
against the GitHub simulator in the benchmark's process. ${f.warmup} deliveries to warm up, then
${f.deliveries} more from ${f.connections} connections, each with a fresh delivery id and its HMAC
signature: real payloads from \`@octokit/webhooks-examples\` rewritten for the simulator's installation
and repository, cycling through a round of ${f.mix.length}: ${mixText(f.mix)}. The refused commands come
from ${f.outsiders} users without access to the repository, on comments of issue #${f.issueNumber}.

**Ingest and queue.** ${f.deliveries} deliveries sent in ${f.sentSeconds.toFixed(0)} s (${f.http.soak.rps.toFixed(0)}
a second, p99 ${f.http.soak.p99} ms); ${refused} were not answered 2xx. The queue had done all their work
${f.drainedSeconds.toFixed(0)} s after the first. Deliveries recorded, by outcome, before retention ran: ${outcomes}${failed > 0 ? ` — **${failed} failed**` : ''}.

**Memory** (the App process's VmRSS, sampled every second):

| When | RSS MiB |
| --- | ---: |
| started, before any delivery | ${mib(r.idle.bytes)} |
| after the warm-up (the start of the soak) | ${mib(f.marks.start.rss)} |
| most, during the soak and its drain | ${mib(r.max.bytes)} |
| end: queue drained, 10 s idle | ${mib(f.marks.end.rss)} |

The live JS heap (what is left after a full collection, forced through the inspector right after
each of those two RSS readings): ${mib(f.marks.start.live)} MiB at the start, ${mib(f.marks.end.live)} MiB at the end (${(r.liveGrowth * 100).toFixed(1)} %).

${rssOverTime(r.soak).join('\n')}

RSS grew ${(r.growth * 100).toFixed(1)} % from the start of the soak to its end (goal < 10 %: ${verdict(r.growth < 0.1)}).

**Postgres.** Retention as in production: the sweep (\`sweep-tasks\`, the job cron queues every
minute) ran on its schedule throughout; and after the warm-up, and again after the soak, every
timestamp of the App's tables${ret.aged.length > 0 ? ` (${ret.aged.map((t) => `\`${t}\``).join(', ')} held rows)` : ''} was moved back past every
retention period, as if a month had passed, and the sweep was queued once a run until two runs in a row
deleted nothing (after the warm-up: ${settle.sweeps} runs, ${settle.seconds.toFixed(0)} s; after the soak: ${ret.sweeps} runs, ${ret.seconds.toFixed(0)} s).
Every table of the App's schema and graphile-worker's that held a row at any sample: before the soak
(the warm-up's records, retention done), the most rows of the samples taken every 20 s during it, after
the queue drained, and after retention.${ret.refused.length > 0 ? ` Tables that refused the move: ${ret.refused.map((x) => `\`${x.table}\` (${x.error})`).join('; ')}.` : ''}${ret.failed.length > 0 ? ` **Sweeps that failed**: ${ret.failed.join('; ')}.` : ''} Sizes include indexes and TOAST; space freed by
deletes is reused, not returned, so sizes are read beside the row counts.

${tables.lines.join('\n')}

Tables holding more rows after retention than before the soak, that is rows that outlive retention: ${tables.grown.length > 0 ? tables.grown.join(', ') : 'none'} (goal none: ${verdict(tables.grown.length === 0 && ret.failed.length === 0)}).
`;
}
