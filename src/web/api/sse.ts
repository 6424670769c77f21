// A task's rows as Server-Sent Events: first what is stored after the client's cursor (the
// Last-Event-ID it sends back on reconnect), then every new row as it is committed, on whichever
// replica (stream-hub.ts). A comment line every 15 s keeps proxies from closing a quiet stream.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { metrics } from '../../platform/metrics/metrics.ts';
import { searchParam } from '../sign-in-routes.ts';
import type { StreamKind, StreamRow, StreamSource } from '../stream-hub.ts';
import type { WebDeps } from '../web-deps.ts';

const HEARTBEAT_MS = 15_000;

export function wantsEventStream(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('text/event-stream');
}

/** Where a stream resumes: Last-Event-ID (a reconnecting EventSource), else the `after` query. */
export function resumeFrom(c: Context): number {
  const raw = c.req.header('last-event-id') ?? searchParam(c, 'after') ?? '0';
  const id = Number(raw);
  return Number.isSafeInteger(id) && id >= 0 ? id : 0;
}

/** A live source: what is stored already (`replay`), then rows as they come, until `close`. */
export type LiveRows<R> = (onRows: (rows: R[]) => void) => Promise<{ replay: R[]; close(): void }>;

/**
 * Rows as Server-Sent Events: the replay, then each new row, with a heartbeat, until the client
 * goes. `message` gives each row's event name, data and (to resume after) id.
 */
export function streamLive<R>(
  c: Context,
  open: LiveRows<R>,
  message: (row: R) => { id?: string; event: string; data: unknown },
): Response {
  c.header('cache-control', 'no-store');
  c.header('x-accel-buffering', 'no');
  return streamSSE(c, async (sse) => {
    metrics.liveStreams.inc();
    const pending: R[] = [];
    let wake: (() => void) | undefined;
    let connected = true;
    const nudge = () => {
      wake?.();
      wake = undefined;
    };
    sse.onAbort(() => {
      connected = false;
      nudge();
    });
    const subscription = await open((rows) => {
      pending.push(...rows);
      nudge();
    });
    const heartbeat = setInterval(() => void sse.write(': keep-alive\n\n').catch(() => {}), HEARTBEAT_MS);
    const send = async (row: R) => {
      const { id, event, data } = message(row);
      await sse.writeSSE({ ...(id === undefined ? {} : { id }), event, data: JSON.stringify(data) });
    };
    try {
      await sse.write('retry: 3000\n\n');
      for (const row of subscription.replay) await send(row);
      while (connected) {
        if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        for (const row of pending.splice(0)) if (connected) await send(row);
      }
    } finally {
      clearInterval(heartbeat);
      subscription.close();
      metrics.liveStreams.dec();
    }
  });
}

export function streamTaskRows<R extends StreamRow>(
  c: Context,
  deps: WebDeps,
  stream: {
    kind: StreamKind;
    taskId: number;
    afterId: number;
    source: StreamSource<R>;
    message(row: R): { event: string; data: unknown };
  },
): Response {
  return streamLive<R>(
    c,
    (onRows) => deps.hub.subscribe(stream.kind, stream.taskId, stream.afterId, stream.source, onRows),
    (row) => ({ id: String(row.id), ...stream.message(row) }),
  );
}
