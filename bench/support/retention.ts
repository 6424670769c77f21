// For benchmarks of a running App process: wait until its queue has done everything it was
// given, and let its retention sweep run over records aged past every retention period (the
// production sweep, `sweep-tasks`, queued as its cron schedule queues it, once a run until one
// deletes nothing).
import type pg from 'pg';

/** The recurring jobs (docs/reliability.md): always present, never "work left". */
const CRON = ['sweep-tasks', 'redeliver-webhooks'];
/** Past the longest default retention (RECORD_RETENTION_DAYS 30, payloads 7, replies 1). */
export const AGED_DAYS = 31;
/** Live state, not records: the running worker's heartbeat (aging it would declare it dead). */
const NOT_AGED = ['queue_workers'];

async function pause(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when no delivery is pending and no job other than the cron jobs is left to run. */
export async function drainQueue(db: pg.Pool, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const left = await db.query<{ deliveries: number; jobs: number }>(
      `SELECT (SELECT count(*)::int FROM webhook_deliveries WHERE outcome = 'pending') AS deliveries,
              (SELECT count(*)::int FROM graphile_worker.jobs
                WHERE task_identifier <> ALL($1) AND attempts < max_attempts) AS jobs`,
      [CRON],
    );
    const { deliveries, jobs } = left.rows[0]!;
    if (deliveries === 0 && jobs === 0) return;
    if (Date.now() > deadline)
      throw new Error(`queue not drained: ${deliveries} deliveries, ${jobs} jobs left`);
    await pause(250);
  }
}

export type RetentionRun = {
  /** Tables whose timestamps were moved back, and any that refused it. */
  aged: string[];
  refused: { table: string; error: string }[];
  sweeps: number;
  seconds: number;
  /** A sweep job that failed, with its error. */
  failed: string[];
};

async function ageRecords(db: pg.Pool): Promise<Pick<RetentionRun, 'aged' | 'refused'>> {
  const columns = await db.query<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type = 'timestamp with time zone' AND table_name <> ALL($1)
      ORDER BY table_name, ordinal_position`,
    [NOT_AGED],
  );
  const byTable = new Map<string, string[]>();
  for (const { table, column } of columns.rows) byTable.set(table, [...(byTable.get(table) ?? []), column]);
  const aged: string[] = [];
  const refused: RetentionRun['refused'] = [];
  for (const [table, cols] of byTable) {
    const set = cols.map((c) => `"${c}" = "${c}" - interval '${AGED_DAYS} days'`).join(', ');
    try {
      const result = await db.query(`UPDATE "${table}" SET ${set}`);
      if ((result.rowCount ?? 0) > 0) aged.push(table);
    } catch (error) {
      refused.push({ table, error: (error as Error).message });
    }
  }
  return { aged, refused };
}

async function publicRows(db: pg.Pool): Promise<number> {
  const tables = await db.query<{ name: string }>(
    `SELECT format('%I', tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'pgmigrations'`,
  );
  const counts = await db.query<{ n: string }>(
    `SELECT (${tables.rows.map((t) => `(SELECT count(*) FROM ${t.name})`).join(' + ')}) AS n`,
  );
  return Number(counts.rows[0]!.n);
}

/** Ages every record past retention, then runs the sweep until two runs in a row delete nothing
 *  (one may find the cron's own run holding the sweep's lock, and do nothing). */
export async function runRetention(db: pg.Pool): Promise<RetentionRun> {
  const started = Date.now();
  const { aged, refused } = await ageRecords(db);
  const failed: string[] = [];
  let sweeps = 0;
  let rows = await publicRows(db);
  let unchanged = 0;
  while (sweeps < 100 && unchanged < 2) {
    const added = await db.query<{ id: string }>(
      `SELECT id FROM graphile_worker.add_job('sweep-tasks', '{}'::json, max_attempts => 1)`,
    );
    sweeps++;
    const id = added.rows[0]!.id;
    while (true) {
      const job = await db.query<{ last_error: string | null }>(
        'SELECT last_error FROM graphile_worker.jobs WHERE id = $1',
        [id],
      );
      if (job.rows.length === 0) break;
      if (job.rows[0]!.last_error) {
        failed.push(job.rows[0]!.last_error);
        break;
      }
      await pause(100);
    }
    if (failed.length > 0) break;
    const now = await publicRows(db);
    unchanged = now === rows ? unchanged + 1 : 0;
    rows = now;
  }
  return { aged, refused, sweeps, seconds: (Date.now() - started) / 1000, failed };
}
