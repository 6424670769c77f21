// The channel the task_events and transcript_events triggers notify (migration 0005): payload
// `events:<taskId>` or `transcript:<taskId>`.
import type { Queryable } from '../platform/db/pool.ts';

export const STREAM_CHANNEL = 'agent_dispatch_stream';

/** Starts listening on this connection (a connection of its own, kept open). */
export async function listenForStreams(client: Queryable): Promise<void> {
  await client.query(`LISTEN ${STREAM_CHANNEL}`);
}
