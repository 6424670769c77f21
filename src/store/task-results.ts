// What each attempt's job reported: its change, patch and report, stored once per attempt (the
// same result posted again is recognised by its digest).
import type { Change, Report } from '../contract/job-result.ts';
import type { Queryable } from '../platform/db/pool.ts';

export type StoredResult = {
  taskId: number;
  attempt: number;
  runId: number;
  outcome: string;
  changes: Change[];
  patch: string;
  report: Report;
  digest: string;
};

/** The digest of the result this attempt already has, if any. */
export async function resultDigestOf(
  db: Queryable,
  taskId: number,
  attempt: number,
): Promise<string | undefined> {
  const previous = await db.query<{ digest: string }>(
    'SELECT digest FROM task_results WHERE task_id = $1 AND attempt = $2',
    [taskId, attempt],
  );
  return previous.rows[0]?.digest;
}

export async function insertResult(db: Queryable, result: StoredResult): Promise<void> {
  await db.query(
    `INSERT INTO task_results (task_id, attempt, run_id, outcome, changes, patch, report, digest)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      result.taskId,
      result.attempt,
      result.runId,
      result.outcome,
      JSON.stringify(result.changes),
      result.patch,
      JSON.stringify(result.report),
      result.digest,
    ],
  );
}

/** The change and report of an attempt, for publishing. */
export async function resultOf(
  db: Queryable,
  taskId: number,
  attempt: number,
): Promise<{ changes: Change[]; report: Report } | undefined> {
  const result = await db.query(
    'SELECT changes, report FROM task_results WHERE task_id = $1 AND attempt = $2',
    [taskId, attempt],
  );
  const row = result.rows[0];
  return row ? { changes: row.changes, report: row.report } : undefined;
}

/** The patch people read of one attempt's result. */
export async function patchOf(db: Queryable, taskId: number, attempt: number): Promise<string | undefined> {
  const result = await db.query('SELECT patch FROM task_results WHERE task_id = $1 AND attempt = $2', [
    taskId,
    attempt,
  ]);
  return result.rows[0] ? String(result.rows[0].patch) : undefined;
}

/** The patch each attempt's job proposed, newest attempt first (the dashboard shows the diff). */
export async function patchesOf(
  db: Queryable,
  taskId: number,
): Promise<{ attempt: number; outcome: string; patch: string; summary: string | null }[]> {
  const result = await db.query(
    `SELECT attempt, outcome, patch, report->>'summary' AS summary FROM task_results
      WHERE task_id = $1 ORDER BY attempt DESC`,
    [taskId],
  );
  return result.rows.map((r) => ({
    attempt: r.attempt,
    outcome: r.outcome,
    patch: r.patch,
    summary: r.summary ?? null,
  }));
}
