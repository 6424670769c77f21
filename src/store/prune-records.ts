// Retention: webhook payloads are only needed until processed; delivery records must outlive
// GitHub's redelivery window (3 days) so the reconciler can tell an arrived delivery from a lost
// one; once-only effect records only guard retries of live work; command replies are counted over
// the last hour only; transcripts are kept for their own number of days. Deleted in bounded batches.
import type { Db } from '../platform/db/pool.ts';
import { pruneTranscripts } from './transcripts.ts';
import { pruneSignInState } from './web-sessions.ts';

export type PruneReport = {
  payloads: number;
  deliveries: number;
  effects: number;
  redeliveries: number;
  replies: number;
  transcriptEvents: number;
  signIn: number;
};

const BATCH = 5_000;

export async function pruneRecords(
  db: Db,
  retention: { deliveryPayloadDays: number; recordDays: number; transcriptDays: number },
): Promise<PruneReport> {
  const payloads = await db.query(
    `UPDATE webhook_deliveries SET payload = NULL
      WHERE delivery_id IN (
        SELECT delivery_id FROM webhook_deliveries
         WHERE payload IS NOT NULL AND processed_at < now() - $1 * interval '1 day' LIMIT ${BATCH})`,
    [retention.deliveryPayloadDays],
  );
  const deliveries = await db.query(
    `DELETE FROM webhook_deliveries
      WHERE delivery_id IN (
        SELECT delivery_id FROM webhook_deliveries WHERE received_at < now() - $1 * interval '1 day' LIMIT ${BATCH})`,
    [retention.recordDays],
  );
  const effects = await db.query(
    `DELETE FROM github_effects
      WHERE key IN (SELECT key FROM github_effects WHERE updated_at < now() - $1 * interval '1 day' LIMIT ${BATCH})`,
    [retention.recordDays],
  );
  const redeliveries = await db.query(
    `DELETE FROM webhook_redeliveries WHERE last_requested_at < now() - $1 * interval '1 day'`,
    [retention.recordDays],
  );
  const replies = await db.query(
    `DELETE FROM command_replies
      WHERE delivery_id IN (
        SELECT delivery_id FROM command_replies WHERE created_at < now() - interval '1 day' LIMIT ${BATCH})`,
  );
  // Transcripts are kept TRANSCRIPT_RETENTION_DAYS; expired sessions and sign-ins go at once.
  const transcriptEvents = await pruneTranscripts(db, retention.transcriptDays, BATCH);
  const signIn = await pruneSignInState(db);
  return {
    transcriptEvents,
    signIn,
    payloads: payloads.rowCount ?? 0,
    deliveries: deliveries.rowCount ?? 0,
    effects: effects.rowCount ?? 0,
    redeliveries: redeliveries.rowCount ?? 0,
    replies: replies.rowCount ?? 0,
  };
}
