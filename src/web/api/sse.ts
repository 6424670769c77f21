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
  c.header('cache-control', 'no-store');
  c.header('x-accel-buffering', 'no');
  return streamSSE(c, async (sse) => {
    metrics.liveStreams.inc();
    const pending: R[] = [];
    let wake: (() => void) | undefined;
    let open = true;
    const nudge = () => {
      wake?.();
      wake = undefined;
    };
    sse.onAbort(() => {
      open = false;
      nudge();
    });
    const subscription = await deps.hub.subscribe(
      stream.kind,
      stream.taskId,
      stream.afterId,
      stream.source,
      (rows) => {
        pending.push(...rows);
        nudge();
      },
    );
    const heartbeat = setInterval(() => void sse.write(': keep-alive\n\n').catch(() => {}), HEARTBEAT_MS);
    const send = async (row: R) => {
      const { event, data } = stream.message(row);
      await sse.writeSSE({ id: String(row.id), event, data: JSON.stringify(data) });
    };
    try {
      await sse.write('retry: 3000\n\n');
      for (const row of subscription.replay) await send(row);
      while (open) {
        if (pending.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        for (const row of pending.splice(0)) if (open) await send(row);
      }
    } finally {
      clearInterval(heartbeat);
      subscription.close();
      metrics.liveStreams.dec();
    }
  });
}
