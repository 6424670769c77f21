// /metrics in Prometheus' text format. Protected: on the main listener only with
// `Authorization: Bearer $METRICS_TOKEN`; on a listener of its own (METRICS_PORT, bound to
// METRICS_HOST) without one. Neither set: not served.
import { timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { TASK_STATES } from '../core/task/task-states.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { metrics, registry } from '../platform/metrics/metrics.ts';
import { dueJobsByName, tasksByState } from '../store/metrics-snapshot.ts';

export const METRICS_PATH = '/metrics';

async function refreshSharedGauges(pool: Db, log: Logger): Promise<void> {
  try {
    const [states, jobs] = await Promise.all([tasksByState(pool), dueJobsByName(pool)]);
    for (const state of TASK_STATES) metrics.tasksByState.set({ state }, 0);
    for (const { state, count } of states) metrics.tasksByState.set({ state }, count);
    metrics.queueDepth.reset();
    for (const { job, count } of jobs) metrics.queueDepth.set({ job }, count);
  } catch (error) {
    log.warn({ err: error }, 'metrics: could not read tasks and queue from the database');
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mountMetricsRoute(
  http: Hono,
  options: { pool: Db; log: Logger; token: string | undefined },
): void {
  http.get(METRICS_PATH, async (c: Context) => {
    if (options.token === undefined) return c.text('Not Found', 404);
    if (!bearerMatches(c.req.header('authorization'), options.token)) {
      c.header('www-authenticate', 'Bearer realm="metrics"');
      return c.text('Unauthorized: send Authorization: Bearer $METRICS_TOKEN', 401);
    }
    return scrape(c, options);
  });
}

async function scrape(c: Context, options: { pool: Db; log: Logger }): Promise<Response> {
  await refreshSharedGauges(options.pool, options.log);
  return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
}

/** The routes of the separate metrics listener: no token needed there. */
export function metricsOnlyRoutes(http: Hono, options: { pool: Db; log: Logger }): void {
  http.get(METRICS_PATH, (c) => scrape(c, options));
}
