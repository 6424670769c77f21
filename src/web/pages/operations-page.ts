// GET /operations (operators only): the queue by job (due, running, scheduled, failed, how long
// the oldest due job has waited), job waits seen by this replica, the worker pools and their
// heartbeats, webhook deliveries and redeliveries, the sweeper, and per installation the shared
// write budget left and the REST rate limit GitHub last reported to this replica.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { AppError } from '../../core/errors.ts';
import { writeBudget } from '../../core/pacing/write-budget.ts';
import { laneOfKey, lanesFor, pacingFor } from '../../core/pacing/write-pacing.ts';
import { SWEEPER } from '../../flows/reconcile/reconcile-run.ts';
import { metrics } from '../../platform/metrics/metrics.ts';
import {
  deliveryFigures,
  pacingRows,
  queueByJob,
  sweepFigures,
  workerPools,
} from '../../store/operations.ts';
import { duration, type Html, timeAgo } from './format.ts';
import type { Page } from './page-route.ts';

type Bucket = { le: number; count: number };

/** A quantile from a histogram's cumulative buckets (the upper bound of the bucket it falls in). */
export function quantileOf(buckets: Bucket[], total: number, q: number): number | null {
  if (total === 0) return null;
  const rank = q * total;
  for (const b of buckets) if (b.count >= rank) return b.le;
  return Infinity;
}

async function jobWaits(): Promise<{ job: string; count: number; p50: number | null; p95: number | null }[]> {
  const { values } = await metrics.jobWait.get();
  const byJob = new Map<string, { buckets: Bucket[]; count: number }>();
  for (const v of values) {
    const job = String(v.labels.job ?? '');
    const entry = byJob.get(job) ?? { buckets: [], count: 0 };
    if (v.metricName?.endsWith('_bucket'))
      entry.buckets.push({ le: Number((v.labels as Record<string, unknown>).le), count: v.value });
    if (v.metricName?.endsWith('_count')) entry.count = v.value;
    byJob.set(job, entry);
  }
  return [...byJob].map(([job, e]) => {
    const buckets = e.buckets.sort((a, b) => a.le - b.le);
    return {
      job,
      count: e.count,
      p50: quantileOf(buckets, e.count, 0.5),
      p95: quantileOf(buckets, e.count, 0.95),
    };
  });
}

async function rateLimits(): Promise<Map<string, number>> {
  const { values } = await metrics.rateLimitRemaining.get();
  return new Map(values.map((v) => [String(v.labels.key), v.value]));
}

const seconds = (s: number | null) =>
  s === null ? '—' : s === Infinity ? 'over the last bucket' : duration(s * 1000);

function table(label: string, head: string[], rows: Html[]): Html {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="${label}"><table class="dense"><thead><tr>${head.map((h, i) => html`<th scope="col"${i > 0 ? html` class="num"` : ''}>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export async function operationsPage(page: Page, _c: Context): Promise<Response> {
  if (!page.viewer.operator)
    throw new AppError('not_allowed', {
      action: 'see the operations page',
      reason: 'it is for operators (the logins in OPERATORS)',
    });
  const { pool, config } = page.deps;
  const [queue, workers, deliveries, sweeps, pacing, waits, limits] = await Promise.all([
    queueByJob(pool),
    workerPools(pool),
    deliveryFigures(pool),
    sweepFigures(pool, SWEEPER),
    pacingRows(pool),
    jobWaits(),
    rateLimits(),
  ]);
  const staleAfter = config.reliability.workerStaleAfterMs / 1000;
  const alive = workers.filter((w) => w.seenSecondsAgo <= staleAfter);
  const whole = pacingFor(config.reliability.githubWrites);
  const lanes = lanesFor(config.reliability.githubWrites);
  // Each row is one bucket: an installation's other writes, its dispatch lane, or the App's own.
  const shape = (key: string) => (key === 'app' ? whole : lanes[laneOfKey(key)]);
  const keys = [...new Set([...pacing.map((p) => p.key), ...limits.keys()])].sort();
  const body = html`<h1>Operations</h1>
<ul class="totals">
<li><span class="figure">${queue.reduce((a, q) => a + q.due, 0)}</span> jobs due</li>
<li><span class="figure">${queue.reduce((a, q) => a + q.running, 0)}</span> running</li>
<li><span class="figure">${alive.length}</span> worker pool${alive.length === 1 ? '' : 's'} alive</li>
<li><span class="figure">${deliveries.redeliveriesAsked}</span> redeliveries asked (24 h)</li>
</ul>
<section aria-labelledby="queue-h"><h2 id="queue-h">Queue</h2>
${table(
  'Queue by job',
  ['Job', 'Due', 'Running', 'Scheduled', 'Failed', 'Oldest due waited'],
  queue.map(
    (q) =>
      html`<tr><th scope="row">${q.job}</th><td class="num">${q.due}</td><td class="num">${q.running}</td><td class="num">${q.scheduled}</td><td class="num">${q.failed}</td><td class="num">${seconds(q.oldestDueSeconds)}</td></tr>`,
  ),
)}
${queue.length === 0 ? html`<p class="empty">The queue is empty.</p>` : ''}
<h3>Waits before a job started (this replica, since it started)</h3>
${table(
  'Job waits',
  ['Job', 'Jobs', 'Median', '95th percentile'],
  waits.map(
    (w) =>
      html`<tr><th scope="row">${w.job}</th><td class="num">${w.count}</td><td class="num">${seconds(w.p50)}</td><td class="num">${seconds(w.p95)}</td></tr>`,
  ),
)}
</section>
<section aria-labelledby="workers-h"><h2 id="workers-h">Workers</h2>
<p class="muted">A pool that has not heartbeated for ${staleAfter} s is dead; its jobs go to the others.</p>
${table(
  'Worker pools',
  ['Pool', 'Host', 'Process', 'Started', 'Last heartbeat'],
  workers.map(
    (w) =>
      html`<tr class="${w.seenSecondsAgo <= staleAfter ? '' : 'stale'}"><th scope="row"><code>${w.poolId}</code>${w.seenSecondsAgo <= staleAfter ? '' : html` <span class="badge tone-bad">stale</span>`}</th><td class="num">${w.host}</td><td class="num">${w.pid}</td><td class="num">${timeAgo(w.startedAt)}</td><td class="num">${seconds(w.seenSecondsAgo)} ago</td></tr>`,
  ),
)}
</section>
<section aria-labelledby="deliveries-h"><h2 id="deliveries-h">Webhooks, redelivery and the sweeper</h2>
<dl class="facts">
<dt>Deliveries (24 h)</dt><dd>${deliveries.byOutcome.length === 0 ? 'none' : deliveries.byOutcome.map((d) => `${d.count} ${d.outcome}`).join(' · ')}</dd>
<dt>Oldest unprocessed</dt><dd>${deliveries.oldestPendingSeconds === null ? 'none' : `${seconds(deliveries.oldestPendingSeconds)} old`}</dd>
<dt>Redeliveries asked (24 h)</dt><dd>${deliveries.redeliveriesAsked}${deliveries.lastRedeliveryAt ? html`, last ${timeAgo(deliveries.lastRedeliveryAt)}` : ''}</dd>
<dt>GitHub’s delivery log read up to</dt><dd>${deliveries.scannedTo ? timeAgo(deliveries.scannedTo) : 'not yet'}</dd>
<dt>Sweeper</dt><dd>${sweeps.sweptLastHour} tasks looked at in the last hour${sweeps.lastSweptAt ? html`, last ${timeAgo(sweeps.lastSweptAt)}` : ''}; ${sweeps.endedLastDay} state changes by the sweeper in 24 h</dd>
</dl></section>
<section aria-labelledby="budgets-h"><h2 id="budgets-h">GitHub budgets per installation</h2>
<p class="muted">Writes: what the shared bucket lets go at once now (${config.reliability.githubWrites.perMinute}/min after a burst of ${config.reliability.githubWrites.burst}, ${config.reliability.githubWrites.perHour}/hour, shared by two lanes: <code>…:dispatch</code> rows hold the share kept for workflow dispatches). Rate limit: the REST requests left as GitHub last told this replica.</p>
${table(
  'Budgets',
  ['Installation', 'Writes now', 'Minute bucket', 'Hour bucket', 'Paused', 'REST requests left'],
  keys.map((key) => {
    const row = pacing.find((p) => p.key === key);
    const budget = row ? writeBudget(row, row.now, shape(key)) : undefined;
    const remaining = limits.get(key);
    return html`<tr><th scope="row">${key}</th><td class="num">${budget ? budget.now : '—'}</td><td class="num">${budget ? `${budget.minuteLeft} / ${budget.minuteBurst}` : '—'}</td><td class="num">${budget ? `${budget.hourLeft} / ${budget.hourBurst}` : '—'}</td><td class="num">${budget?.pausedMs ? duration(budget.pausedMs) : 'no'}</td><td class="num">${remaining === undefined ? '—' : remaining}</td></tr>`;
  }),
)}
${keys.length === 0 ? html`<p class="empty">No GitHub request yet.</p>` : ''}
</section>`;
  return page.render({ title: 'Operations', current: 'operations', body });
}
