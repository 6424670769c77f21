// The steps a pipeline task ran (task_steps: one row per run, with what it handed on) and the
// approvals of what they handed on (task_approvals: the exact content's SHA-256).
import type { HandoffKind } from '../core/pipeline/pipeline.ts';
import type { ApprovalRecord, StepRecord } from '../core/pipeline/step-record.ts';
import type { Queryable } from '../platform/db/pool.ts';

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function stepFromRow(r: Row): StepRecord {
  return {
    taskId: Number(r.task_id),
    attempt: Number(r.attempt),
    stepIndex: Number(r.step_index),
    round: Number(r.round),
    name: String(r.name),
    handoff: r.handoff as HandoffKind,
    engine: String(r.engine),
    state: r.state as StepRecord['state'],
    handoffText: (r.handoff_text as string | null) ?? null,
    handoffSha256: (r.handoff_sha256 as string | null) ?? null,
    verdict: (r.verdict as StepRecord['verdict']) ?? null,
    commentId: num(r.comment_id),
    commentDigest: (r.comment_digest as string | null) ?? null,
    feedback: (r.feedback as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    startedAt: r.started_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
  };
}

function approvalFromRow(r: Row): ApprovalRecord {
  return {
    taskId: Number(r.task_id),
    attempt: Number(r.attempt),
    kind: 'plan',
    sha256: String(r.sha256),
    approverLogin: String(r.approver_login),
    approverId: Number(r.approver_id),
    via: String(r.via),
    createdAt: r.created_at as Date,
    supersededAt: (r.superseded_at as Date | null) ?? null,
  };
}

/** Records that a step's run started (once per attempt). */
export async function startStepRun(
  db: Queryable,
  run: Pick<StepRecord, 'taskId' | 'attempt' | 'stepIndex' | 'round' | 'name' | 'handoff' | 'engine'>,
): Promise<void> {
  await db.query(
    `INSERT INTO task_steps (task_id, attempt, step_index, round, name, handoff, engine)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (task_id, attempt) DO NOTHING`,
    [run.taskId, run.attempt, run.stepIndex, run.round, run.name, run.handoff, run.engine],
  );
}

export type StepEnding = {
  state: 'done' | 'failed';
  handoffText?: string | null;
  handoffSha256?: string | null;
  verdict?: 'approve' | 'changes' | null;
  error?: string | null;
};

/** Records how a step's run ended and what it handed on. */
export async function endStepRun(db: Queryable, taskId: number, attempt: number, end: StepEnding) {
  await db.query(
    `UPDATE task_steps SET state = $3, handoff_text = $4, handoff_sha256 = $5, verdict = $6, error = $7,
       finished_at = now()
     WHERE task_id = $1 AND attempt = $2`,
    [
      taskId,
      attempt,
      end.state,
      end.handoffText ?? null,
      end.handoffSha256 ?? null,
      end.verdict ?? null,
      end.error ?? null,
    ],
  );
}

export async function stepRunsOf(db: Queryable, taskId: number): Promise<StepRecord[]> {
  const rows = await db.query('SELECT * FROM task_steps WHERE task_id = $1 ORDER BY attempt', [taskId]);
  return rows.rows.map(stepFromRow);
}

export async function stepRun(
  db: Queryable,
  taskId: number,
  attempt: number,
): Promise<StepRecord | undefined> {
  const rows = await db.query('SELECT * FROM task_steps WHERE task_id = $1 AND attempt = $2', [
    taskId,
    attempt,
  ]);
  return rows.rows[0] ? stepFromRow(rows.rows[0]) : undefined;
}

/** The run whose handoff a comment shows (for an edit of that comment). */
export async function stepRunOfComment(db: Queryable, commentId: number): Promise<StepRecord | undefined> {
  const rows = await db.query('SELECT * FROM task_steps WHERE comment_id = $1', [commentId]);
  return rows.rows[0] ? stepFromRow(rows.rows[0]) : undefined;
}

export async function setStepComment(
  db: Queryable,
  taskId: number,
  attempt: number,
  comment: { id: number; digest: string },
): Promise<void> {
  await db.query(
    'UPDATE task_steps SET comment_id = $3, comment_digest = $4 WHERE task_id = $1 AND attempt = $2',
    [taskId, attempt, comment.id, comment.digest],
  );
}

export async function setStepFeedback(db: Queryable, taskId: number, attempt: number, feedback: string) {
  await db.query('UPDATE task_steps SET feedback = $3 WHERE task_id = $1 AND attempt = $2', [
    taskId,
    attempt,
    feedback,
  ]);
}

export async function insertApproval(
  db: Queryable,
  approval: Omit<ApprovalRecord, 'createdAt' | 'supersededAt' | 'kind'>,
): Promise<void> {
  await db.query(
    `INSERT INTO task_approvals (task_id, attempt, kind, sha256, approver_login, approver_id, via)
     VALUES ($1, $2, 'plan', $3, $4, $5, $6)`,
    [
      approval.taskId,
      approval.attempt,
      approval.sha256,
      approval.approverLogin,
      approval.approverId,
      approval.via,
    ],
  );
}

/** A replan: earlier approvals of the task's plans no longer count. */
export async function supersedeApprovals(db: Queryable, taskId: number): Promise<void> {
  await db.query(
    'UPDATE task_approvals SET superseded_at = now() WHERE task_id = $1 AND superseded_at IS NULL',
    [taskId],
  );
}

export async function approvalsOf(db: Queryable, taskId: number): Promise<ApprovalRecord[]> {
  const rows = await db.query('SELECT * FROM task_approvals WHERE task_id = $1 ORDER BY id', [taskId]);
  return rows.rows.map(approvalFromRow);
}
