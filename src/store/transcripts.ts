// Transcript events of tasks: appended in batches under the task's transcript row lock (so the
// cap holds across concurrent batches and replicas), read in order after a cursor, pruned by age.
import type { TranscriptEvent } from '../contract/transcript.ts';
import type { Queryable } from '../platform/db/pool.ts';

export type StoredTranscriptEvent = {
  id: number;
  attempt: number;
  idx: number;
  event: TranscriptEvent;
  createdAt: Date;
};

export type AppendOutcome = { stored: number; truncated: boolean };

/** Index of the App's own "truncated" marker in an attempt (past any index the action sends). */
const MARKER_IDX = 2_000_000_000;

/**
 * Stores the events that are new (by attempt and index) while the task is under `cap`; the event
 * that would pass the cap is replaced by one visible `truncated` marker. Call in a transaction.
 */
export async function appendTranscript(
  client: Queryable,
  taskId: number,
  attempt: number,
  events: { idx: number; event: TranscriptEvent }[],
  cap: number,
): Promise<AppendOutcome> {
  await client.query('INSERT INTO task_transcripts (task_id) VALUES ($1) ON CONFLICT DO NOTHING', [taskId]);
  const locked = await client.query<{ events: number; truncated: boolean }>(
    'SELECT events, truncated FROM task_transcripts WHERE task_id = $1 FOR UPDATE',
    [taskId],
  );
  const state = locked.rows[0] ?? { events: 0, truncated: false };
  if (state.truncated) return { stored: 0, truncated: true };
  const room = Math.max(0, cap - state.events);
  const accepted = events.slice(0, room);
  let stored = 0;
  if (accepted.length > 0) {
    const inserted = await client.query(
      `INSERT INTO transcript_events (task_id, attempt, idx, kind, body)
       SELECT $1, $2, e.idx, e.kind, e.body
         FROM jsonb_to_recordset($3::jsonb) AS e(idx integer, kind text, body jsonb)
       ON CONFLICT (task_id, attempt, idx) DO NOTHING`,
      [
        taskId,
        attempt,
        JSON.stringify(accepted.map((e) => ({ idx: e.idx, kind: e.event.kind, body: e.event }))),
      ],
    );
    stored = inserted.rowCount ?? 0;
  }
  const truncated = accepted.length < events.length;
  if (truncated) {
    const marker: TranscriptEvent = {
      kind: 'truncated',
      reason: `The transcript reached its limit of ${cap} events; the rest was not kept.`,
    };
    await client.query(
      `INSERT INTO transcript_events (task_id, attempt, idx, kind, body) VALUES ($1, $2, $3, 'truncated', $4)
       ON CONFLICT DO NOTHING`,
      [taskId, attempt, MARKER_IDX, JSON.stringify(marker)],
    );
  }
  await client.query(
    `UPDATE task_transcripts SET events = events + $2, truncated = $3, updated_at = now() WHERE task_id = $1`,
    [taskId, stored, truncated],
  );
  return { stored, truncated };
}

type TranscriptRow = { id: string; attempt: number; idx: number; body: TranscriptEvent; created_at: Date };

function transcriptFromRow(r: TranscriptRow): StoredTranscriptEvent {
  return { id: Number(r.id), attempt: r.attempt, idx: r.idx, event: r.body, createdAt: r.created_at };
}

export async function transcriptAfter(
  db: Queryable,
  taskId: number,
  afterId: number,
  limit: number,
): Promise<StoredTranscriptEvent[]> {
  const rows = await db.query<TranscriptRow>(
    `SELECT id, attempt, idx, body, created_at FROM transcript_events
      WHERE task_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [taskId, afterId, limit],
  );
  return rows.rows.map(transcriptFromRow);
}

/** The newest `limit` events of a task's transcript, oldest first (a page follows the tail). */
export async function transcriptTail(
  db: Queryable,
  taskId: number,
  limit: number,
): Promise<StoredTranscriptEvent[]> {
  const rows = await db.query<TranscriptRow>(
    `SELECT id, attempt, idx, body, created_at FROM transcript_events
      WHERE task_id = $1 ORDER BY id DESC LIMIT $2`,
    [taskId, limit],
  );
  return rows.rows.map(transcriptFromRow).reverse();
}

export async function transcriptSummary(
  db: Queryable,
  taskId: number,
): Promise<{ events: number; truncated: boolean }> {
  const row = await db.query<{ events: number; truncated: boolean }>(
    'SELECT events, truncated FROM task_transcripts WHERE task_id = $1',
    [taskId],
  );
  return row.rows[0] ?? { events: 0, truncated: false };
}

/** Transcript events older than `days`, in bounded batches. */
export async function pruneTranscripts(db: Queryable, days: number, batch: number): Promise<number> {
  const deleted = await db.query(
    `DELETE FROM transcript_events WHERE id IN (
       SELECT id FROM transcript_events WHERE created_at < now() - $1 * interval '1 day' LIMIT $2)`,
    [days, batch],
  );
  return deleted.rowCount ?? 0;
}

/** The newest transcript event id of a task (0 without any). */
export async function latestTranscriptId(db: Queryable, taskId: number): Promise<number> {
  const row = await db.query<{ id: string | null }>(
    'SELECT max(id) AS id FROM transcript_events WHERE task_id = $1',
    [taskId],
  );
  return Number(row.rows[0]?.id ?? 0);
}
