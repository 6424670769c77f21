// The App's Prometheus metrics (prom-client), one registry per process. Edges record what they
// see (webhooks, transitions, jobs, GitHub answers, results); gauges of shared state (tasks by
// state, queue depth) are read from Postgres when scraped, so every replica reports the same.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'agent_dispatch_process_' });

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export const metrics = {
  webhooks: new Counter({
    name: 'agent_dispatch_webhooks_total',
    help: 'Webhook deliveries received, by event and what became of them at the door.',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  }),
  transitions: new Counter({
    name: 'agent_dispatch_task_transitions_total',
    help: 'Task state changes, by transition and the state reached.',
    labelNames: ['type', 'to'] as const,
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'agent_dispatch_job_duration_seconds',
    help: 'Time a queue job ran, by job and outcome (dispatch-task and publish-task are the dispatch and publish latency).',
    labelNames: ['job', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  jobWait: new Histogram({
    name: 'agent_dispatch_job_wait_seconds',
    help: 'Time a queue job waited between becoming due and starting, by job.',
    labelNames: ['job'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  githubRequests: new Counter({
    name: 'agent_dispatch_github_requests_total',
    help: 'Requests to the GitHub API, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  }),
  rateLimitRemaining: new Gauge({
    name: 'agent_dispatch_github_rate_limit_remaining',
    help: 'x-ratelimit-remaining of the last GitHub answer, by token kind (app or installation id).',
    labelNames: ['key'] as const,
    registers: [registry],
  }),
  writeWait: new Histogram({
    name: 'agent_dispatch_github_write_wait_seconds',
    help: 'Time content-creating requests waited for a slot of the shared write budget.',
    buckets: [0, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  }),
  writeDeferred: new Counter({
    name: 'agent_dispatch_github_write_deferred_total',
    help: 'Content-creating requests that found no write slot soon enough (the job went back to the queue).',
    registers: [registry],
  }),
  engineCost: new Counter({
    name: 'agent_dispatch_engine_cost_usd_total',
    help: 'Cost the jobs reported, by engine.',
    labelNames: ['engine'] as const,
    registers: [registry],
  }),
  engineTokens: new Counter({
    name: 'agent_dispatch_engine_tokens_total',
    help: 'Tokens the jobs reported, by engine and direction.',
    labelNames: ['engine', 'direction'] as const,
    registers: [registry],
  }),
  transcriptEvents: new Counter({
    name: 'agent_dispatch_transcript_events_total',
    help: 'Transcript events stored, and events the per-task cap dropped.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  tasksByState: new Gauge({
    name: 'agent_dispatch_tasks',
    help: 'Tasks by state (all replicas: read from Postgres).',
    labelNames: ['state'] as const,
    registers: [registry],
  }),
  queueDepth: new Gauge({
    name: 'agent_dispatch_queue_jobs',
    help: 'Queue jobs due and not running, by job (all replicas: read from Postgres).',
    labelNames: ['job'] as const,
    registers: [registry],
  }),
  liveStreams: new Gauge({
    name: 'agent_dispatch_live_streams',
    help: 'Server-sent event streams open on this replica.',
    registers: [registry],
  }),
};

/** Records a GitHub answer: its route, status and the rate limit it reports. */
export function observeGitHubAnswer(
  key: string,
  method: string,
  route: string,
  status: number,
  remaining: string | undefined | null,
): void {
  metrics.githubRequests.inc({ method, route, status: String(status) });
  if (remaining !== undefined && remaining !== null && remaining !== '' && Number.isFinite(Number(remaining)))
    metrics.rateLimitRemaining.set({ key }, Number(remaining));
}
