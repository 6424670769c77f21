// What the Operations page reads, shared by every replica: the queue (graphile-worker's jobs) by
// job, the worker pools and their heartbeats, webhook deliveries and the redeliveries asked for,
// the sweeper's recent work, and the write-pacing buckets of each installation.
import type { Queryable } from '../platform/db/pool.ts';

export type QueueRow = {
  job: string;
  due: number;
  running: number;
  scheduled: number;
  failed: number;
  /** How long the oldest due job has waited (seconds), null when none waits. */
  oldestDueSeconds: number | null;
};

export async function queueByJob(db: Queryable): Promise<QueueRow[]> {
  const rows = await db.query(
    `SELECT task_identifier AS job,
            count(*) FILTER (WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts)::int AS due,
            count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS running,
            count(*) FILTER (WHERE locked_at IS NULL AND run_at > now() AND attempts < max_attempts)::int AS scheduled,
            count(*) FILTER (WHERE attempts >= max_attempts)::int AS failed,
            extract(epoch FROM now() - min(run_at) FILTER (WHERE locked_at IS NULL AND run_at <= now() AND attempts < max_attempts))::float AS oldest
       FROM graphile_worker.jobs GROUP BY task_identifier ORDER BY task_identifier`,
  );
  return rows.rows.map((r) => ({
    job: r.job,
    due: r.due,
    running: r.running,
    scheduled: r.scheduled,
    failed: r.failed,
    oldestDueSeconds: r.oldest === null ? null : Number(r.oldest),
  }));
}

export type WorkerRow = {
  poolId: string;
  host: string;
  pid: number;
  startedAt: Date;
  seenSecondsAgo: number;
};

export async function workerPools(db: Queryable): Promise<WorkerRow[]> {
  const rows = await db.query(
    `SELECT pool_id, host, pid, started_at, extract(epoch FROM now() - seen_at)::float AS ago
       FROM queue_workers ORDER BY seen_at DESC LIMIT 100`,
  );
  return rows.rows.map((r) => ({
    poolId: r.pool_id,
    host: r.host,
    pid: r.pid,
    startedAt: r.started_at,
    seenSecondsAgo: Number(r.ago),
  }));
}

export type DeliveryFigures = {
  byOutcome: { outcome: string; count: number }[];
  oldestPendingSeconds: number | null;
  redeliveriesAsked: number;
  lastRedeliveryAt: Date | null;
  scannedTo: Date | null;
};

/** Webhook deliveries and redeliveries of the last 24 hours. */
export async function deliveryFigures(db: Queryable): Promise<DeliveryFigures> {
  const [outcomes, pending, redeliveries] = await Promise.all([
    db.query(
      `SELECT outcome, count(*)::int AS n FROM webhook_deliveries
        WHERE received_at > now() - interval '24 hours' GROUP BY outcome ORDER BY outcome`,
    ),
    db.query(
      `SELECT extract(epoch FROM now() - min(received_at))::float AS oldest FROM webhook_deliveries
        WHERE processed_at IS NULL`,
    ),
    db.query(
      `SELECT (SELECT coalesce(sum(requests), 0)::int FROM webhook_redeliveries
                WHERE last_requested_at > now() - interval '24 hours') AS asked,
              (SELECT max(last_requested_at) FROM webhook_redeliveries) AS last_at,
              (SELECT scanned_to FROM webhook_delivery_scans WHERE id = 1) AS scanned_to`,
    ),
  ]);
  const r = redeliveries.rows[0] ?? {};
  return {
    byOutcome: outcomes.rows.map((o) => ({ outcome: o.outcome, count: o.n })),
    oldestPendingSeconds: pending.rows[0]?.oldest == null ? null : Number(pending.rows[0].oldest),
    redeliveriesAsked: Number(r.asked ?? 0),
    lastRedeliveryAt: r.last_at ?? null,
    scannedTo: r.scanned_to ?? null,
  };
}

export type SweepFigures = { sweptLastHour: number; lastSweptAt: Date | null; endedLastDay: number };

/** The sweeper's last hour: tasks it looked at, and the tasks it ended in the last day. */
export async function sweepFigures(db: Queryable, sweeperActor: string): Promise<SweepFigures> {
  const rows = await db.query(
    `SELECT (SELECT count(*)::int FROM tasks WHERE swept_at > now() - interval '1 hour') AS swept,
            (SELECT max(swept_at) FROM tasks) AS last_at,
            (SELECT count(*)::int FROM task_events WHERE actor = $1 AND to_state IS NOT NULL
               AND created_at > now() - interval '24 hours') AS ended`,
    [sweeperActor],
  );
  const r = rows.rows[0] ?? {};
  return { sweptLastHour: r.swept ?? 0, lastSweptAt: r.last_at ?? null, endedLastDay: r.ended ?? 0 };
}

export type PacingRow = {
  key: string;
  minuteTat: number;
  hourTat: number;
  pausedUntil: number | null;
  /** The database's clock when read (ms since the epoch). */
  now: number;
};

export async function pacingRows(db: Queryable): Promise<PacingRow[]> {
  const rows = await db.query(
    `SELECT key, minute_tat, hour_tat, paused_until, clock_timestamp() AS now
       FROM github_write_pacing ORDER BY key LIMIT 500`,
  );
  return rows.rows.map((r) => ({
    key: r.key,
    minuteTat: r.minute_tat.getTime(),
    hourTat: r.hour_tat.getTime(),
    pausedUntil: r.paused_until ? r.paused_until.getTime() : null,
    now: r.now.getTime(),
  }));
}
