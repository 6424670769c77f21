// POST /api/runner/v1/tasks/{id}/transcript: a batch of what the engine did. The action redacted
// it; the App scans every string again with the policy's credential patterns before it is stored
// (so nothing credential-shaped reaches the API or a browser), then stores it under the per-task
// cap. Storing notifies every replica's live streams (a trigger; see web/stream-hub.ts).
import { redactEvent, type TranscriptAnswer, type TranscriptBatch } from '../../contract/transcript.ts';
import { redactCredentials } from '../../core/policy/find-credentials.ts';
import type { Task } from '../../core/task/task.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { metrics } from '../../platform/metrics/metrics.ts';
import { inTransaction } from '../../store/transactions.ts';
import { appendTranscript } from '../../store/transcripts.ts';

export async function takeTranscript(
  pool: Db,
  log: Logger,
  task: Task,
  batch: TranscriptBatch,
  cap: number,
): Promise<TranscriptAnswer> {
  const found = new Set<string>();
  const events = batch.events.map(({ idx, event }) => ({
    idx,
    event: redactEvent(event, (text) => {
      const redacted = redactCredentials(text);
      for (const kind of redacted.kinds) found.add(kind);
      return redacted.text;
    }),
  }));
  if (found.size > 0)
    log.warn(
      { taskId: task.id, kinds: [...found] },
      'credentials redacted from a transcript batch by the App',
    );
  const outcome = await inTransaction(pool, (client) =>
    appendTranscript(client, task.id, batch.attempt, events, cap),
  );
  metrics.transcriptEvents.inc({ outcome: 'stored' }, outcome.stored);
  if (outcome.truncated) metrics.transcriptEvents.inc({ outcome: 'dropped' }, events.length - outcome.stored);
  return outcome;
}
