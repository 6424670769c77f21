// Schedules (one row per repository and name, as its `.github/agent.yml` says) and their runs
// (one row per schedule and slot: the unique key that makes a slot fire once across replicas).
import type { ScheduleDefinition } from '../core/repo-config/schedules-schema.ts';
import type { Db, Queryable } from '../platform/db/pool.ts';
import { addJob } from './jobs.ts';
import { inTransaction } from './transactions.ts';

export type Schedule = {
  id: number;
  installationId: number;
  repoId: number;
  repoOwner: string;
  repoName: string;
  name: string;
  definition: ScheduleDefinition;
  digest: string;
  active: boolean;
  nextSlotAt: Date | null;
  nextFireAt: Date | null;
  lastSlotAt: Date | null;
  reportIssue: number | null;
  learnedAt: Date;
};

export type ScheduleRun = {
  scheduleId: number;
  slotAt: Date;
  fireAt: Date;
  missed: number;
  outcome: 'pending' | 'started' | 'skipped';
  reason: string | null;
  detail: string | null;
  taskId: number | null;
  createdAt: Date;
};

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function scheduleFromRow(r: Row): Schedule {
  return {
    id: Number(r.id),
    installationId: Number(r.installation_id),
    repoId: Number(r.repo_id),
    repoOwner: String(r.repo_owner),
    repoName: String(r.repo_name),
    name: String(r.name),
    definition: r.definition as ScheduleDefinition,
    digest: String(r.digest),
    active: Boolean(r.active),
    nextSlotAt: (r.next_slot_at as Date | null) ?? null,
    nextFireAt: (r.next_fire_at as Date | null) ?? null,
    lastSlotAt: (r.last_slot_at as Date | null) ?? null,
    reportIssue: num(r.report_issue),
    learnedAt: r.learned_at as Date,
  };
}

function runFromRow(r: Row): ScheduleRun {
  return {
    scheduleId: Number(r.schedule_id),
    slotAt: r.slot_at as Date,
    fireAt: r.fire_at as Date,
    missed: Number(r.missed),
    outcome: r.outcome as ScheduleRun['outcome'],
    reason: (r.reason as string | null) ?? null,
    detail: (r.detail as string | null) ?? null,
    taskId: num(r.task_id),
    createdAt: r.created_at as Date,
  };
}

export type LearnedSchedule = {
  name: string;
  definition: ScheduleDefinition;
  digest: string;
  next: { slot: Date; fireAt: Date } | undefined;
};

/**
 * A repository's schedules as its config now says: new ones and changed ones (their digest
 * moved) start counting from now; unchanged ones keep their clock; the others become inactive.
 */
export async function replaceSchedules(
  pool: Db,
  repo: { installationId: number; id: number; owner: string; name: string; sha: string | null },
  learned: LearnedSchedule[],
): Promise<{ added: string[]; changed: string[]; kept: string[]; removed: string[] }> {
  return inTransaction(pool, async (client) => {
    const current = await client.query('SELECT * FROM schedules WHERE repo_id = $1 FOR UPDATE', [repo.id]);
    const byName = new Map(current.rows.map((r) => [String(r.name), scheduleFromRow(r)]));
    const report = {
      added: [] as string[],
      changed: [] as string[],
      kept: [] as string[],
      removed: [] as string[],
    };
    for (const schedule of learned) {
      const old = byName.get(schedule.name);
      byName.delete(schedule.name);
      if (old?.active && old.digest === schedule.digest) {
        report.kept.push(schedule.name);
        await client.query(
          'UPDATE schedules SET installation_id = $2, repo_owner = $3, repo_name = $4, source_sha = $5 WHERE id = $1',
          [old.id, repo.installationId, repo.owner, repo.name, repo.sha],
        );
        continue;
      }
      (old ? report.changed : report.added).push(schedule.name);
      await client.query(
        `INSERT INTO schedules (installation_id, repo_id, repo_owner, repo_name, name, definition, digest,
           next_slot_at, next_fire_at, source_sha)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (repo_id, name) DO UPDATE SET installation_id = $1, repo_owner = $3, repo_name = $4,
           definition = $6, digest = $7, active = true, next_slot_at = $8, next_fire_at = $9, last_slot_at = NULL,
           source_sha = $10, learned_at = now(), updated_at = now()`,
        [
          repo.installationId,
          repo.id,
          repo.owner,
          repo.name,
          schedule.name,
          JSON.stringify(schedule.definition),
          schedule.digest,
          schedule.next?.slot ?? null,
          schedule.next?.fireAt ?? null,
          repo.sha,
        ],
      );
    }
    for (const gone of byName.values()) {
      if (!gone.active) continue;
      report.removed.push(gone.name);
      await client.query('UPDATE schedules SET active = false, updated_at = now() WHERE id = $1', [gone.id]);
    }
    return report;
  });
}

export async function schedulesOfRepo(db: Queryable, repoId: number): Promise<Schedule[]> {
  const rows = await db.query('SELECT * FROM schedules WHERE repo_id = $1 AND active ORDER BY name', [
    repoId,
  ]);
  return rows.rows.map(scheduleFromRow);
}

export async function getSchedule(db: Queryable, id: number): Promise<Schedule | undefined> {
  const rows = await db.query('SELECT * FROM schedules WHERE id = $1', [id]);
  return rows.rows[0] ? scheduleFromRow(rows.rows[0]) : undefined;
}

export type TickPlan = {
  fire?: { slot: Date; fireAt: Date; missed: number };
  next?: { slot: Date; fireAt: Date };
};

/**
 * One tick: the due schedules, each locked (replicas ticking at once take different ones, and
 * never the same twice), its slot recorded once (the primary key) with the job that fires it,
 * and its clock moved on — all in one transaction.
 */
export async function tickDueSchedules(
  pool: Db,
  horizon: Date,
  plan: (schedule: Schedule) => TickPlan,
  fireJob: (
    schedule: Schedule,
    slot: Date,
    fireAt: Date,
  ) => {
    task: string;
    payload: Record<string, unknown>;
    options: { jobKey: string; runAt: Date; maxAttempts: number };
  },
  limit = 200,
): Promise<{ fired: number; looked: number }> {
  return inTransaction(pool, async (client) => {
    const due = await client.query(
      `SELECT * FROM schedules WHERE active AND next_fire_at <= $1 ORDER BY next_fire_at
        LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [horizon, limit],
    );
    let fired = 0;
    for (const row of due.rows) {
      const schedule = scheduleFromRow(row);
      const decided = plan(schedule);
      if (decided.fire) {
        const inserted = await client.query(
          `INSERT INTO schedule_runs (schedule_id, slot_at, fire_at, missed) VALUES ($1, $2, $3, $4)
           ON CONFLICT (schedule_id, slot_at) DO NOTHING`,
          [schedule.id, decided.fire.slot, decided.fire.fireAt, decided.fire.missed],
        );
        if ((inserted.rowCount ?? 0) > 0) {
          const job = fireJob(schedule, decided.fire.slot, decided.fire.fireAt);
          await addJob(client, job.task, job.payload, job.options);
          fired++;
        }
      }
      await client.query(
        `UPDATE schedules SET last_slot_at = COALESCE($2, last_slot_at), next_slot_at = $3, next_fire_at = $4,
           updated_at = now() WHERE id = $1`,
        [schedule.id, decided.fire?.slot ?? null, decided.next?.slot ?? null, decided.next?.fireAt ?? null],
      );
    }
    return { fired, looked: due.rows.length };
  });
}

/** The run of a slot, locked until the caller's transaction ends. */
export async function lockScheduleRun(
  db: Queryable,
  scheduleId: number,
  slot: Date,
): Promise<ScheduleRun | undefined> {
  const rows = await db.query(
    'SELECT * FROM schedule_runs WHERE schedule_id = $1 AND slot_at = $2 FOR UPDATE',
    [scheduleId, slot],
  );
  return rows.rows[0] ? runFromRow(rows.rows[0]) : undefined;
}

export async function getScheduleRun(
  db: Queryable,
  scheduleId: number,
  slot: Date,
): Promise<ScheduleRun | undefined> {
  const rows = await db.query('SELECT * FROM schedule_runs WHERE schedule_id = $1 AND slot_at = $2', [
    scheduleId,
    slot,
  ]);
  return rows.rows[0] ? runFromRow(rows.rows[0]) : undefined;
}

/** Decides a pending run: a task started (`taskId`) or a skip with its reason. */
export async function decideScheduleRun(
  db: Queryable,
  scheduleId: number,
  slot: Date,
  decision: { outcome: 'started'; taskId: number } | { outcome: 'skipped'; reason: string; detail: string },
): Promise<boolean> {
  const updated = await db.query(
    `UPDATE schedule_runs SET outcome = $3, task_id = $4, reason = $5, detail = $6, decided_at = now()
      WHERE schedule_id = $1 AND slot_at = $2 AND outcome = 'pending'`,
    [
      scheduleId,
      slot,
      decision.outcome,
      decision.outcome === 'started' ? decision.taskId : null,
      decision.outcome === 'skipped' ? decision.reason : null,
      decision.outcome === 'skipped' ? decision.detail : null,
    ],
  );
  return (updated.rowCount ?? 0) > 0;
}

export async function runsOfSchedule(db: Queryable, scheduleId: number, limit = 20): Promise<ScheduleRun[]> {
  const rows = await db.query(
    'SELECT * FROM schedule_runs WHERE schedule_id = $1 ORDER BY slot_at DESC LIMIT $2',
    [scheduleId, limit],
  );
  return rows.rows.map(runFromRow);
}

/** The schedule's task still live, if any (its previous run is still going). */
export async function liveTaskOfSchedule(db: Queryable, scheduleId: number): Promise<number | undefined> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM tasks WHERE schedule_id = $1
       AND state NOT IN ('succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out')
     ORDER BY id DESC LIMIT 1`,
    [scheduleId],
  );
  return rows.rows[0] ? Number(rows.rows[0].id) : undefined;
}

export async function setReportIssue(db: Queryable, scheduleId: number, issue: number): Promise<void> {
  await db.query('UPDATE schedules SET report_issue = $2 WHERE id = $1', [scheduleId, issue]);
}
