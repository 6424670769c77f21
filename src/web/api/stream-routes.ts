// A task's events and transcript: JSON pages (cursor), or Server-Sent Events when the client asks
// for text/event-stream (resumable with Last-Event-ID; live from every replica).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { TaskEventRow } from '../../store/task-events.ts';
import { latestEventSeq, taskEventsAfter } from '../../store/task-history.ts';
import {
  latestTranscriptId,
  type StoredTranscriptEvent,
  transcriptAfter,
  transcriptSummary,
} from '../../store/transcripts.ts';
import type { WebEnv } from '../authenticate.ts';
import type { StreamSource } from '../stream-hub.ts';
import { visibleTask } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';
import { decodeCursor, encodeCursor, presentEvent, presentTranscriptItem } from './present.ts';
import { answer, problems } from './respond.ts';
import { taskEventSchema, taskEventsSchema, transcriptItemSchema, transcriptSchema } from './schemas.ts';
import { resumeFrom, streamTaskRows, wantsEventStream } from './sse.ts';
import { taskIdParams } from './task-routes.ts';

const PAGE = 500;

const pageQuery = z.object({
  cursor: z.string().max(100).optional(),
  after: z.coerce.number().int().nonnegative().optional().describe('Event stream only: start after this id.'),
});

/** A route answering a JSON page, or a live stream with `Accept: text/event-stream`. */
function streamRoute(path: string, summary: string, page: z.ZodType, item: string, event: string) {
  return createRoute({
    method: 'get',
    path,
    summary,
    request: { params: taskIdParams, query: pageQuery },
    responses: {
      200: {
        description: `A JSON page, or with \`Accept: text/event-stream\` a live stream (each SSE \`data\` is one ${item}, its \`id\` the number to resume after with Last-Event-ID).`,
        content: {
          'application/json': { schema: page },
          'text/event-stream': { schema: z.string().describe(`event: ${event}`) },
        },
      },
      ...problems(400, 401, 404, 502),
    },
  });
}

const eventsRoute = streamRoute(
  '/tasks/{id}/events',
  "The task's history (state changes, progress, effects)",
  taskEventsSchema,
  'TaskEvent',
  'task_event',
);

const transcriptRoute = streamRoute(
  '/tasks/{id}/transcript',
  'What the engine did (redacted): text, tool calls and results, file edits, usage',
  transcriptSchema,
  'TranscriptItem',
  'transcript',
);

function cursorOf(text: string | undefined): number {
  const decoded = decodeCursor(text);
  if (decoded === 'invalid')
    throw new AppError('bad_request', { reason: 'cursor: not a cursor of this API' });
  return decoded ?? 0;
}

/** A task's events as a stream source (numbered by `seq`), for the API and the dashboard. */
export function eventSource(deps: WebDeps): StreamSource<TaskEventRow & { id: number }> {
  return {
    read: async (taskId, after, limit) =>
      (await taskEventsAfter(deps.pool, taskId, after, limit)).map((e) => ({ ...e, id: e.seq })),
    latest: (taskId) => latestEventSeq(deps.pool, taskId),
  };
}

/** A task's transcript as a stream source. */
export function transcriptSource(deps: WebDeps): StreamSource<StoredTranscriptEvent> {
  return {
    read: (taskId, after, limit) => transcriptAfter(deps.pool, taskId, after, limit),
    latest: (taskId) => latestTranscriptId(deps.pool, taskId),
  };
}

export function mountStreamRoutes(api: OpenAPIHono<WebEnv>, deps: WebDeps): void {
  const events = eventSource(deps);
  const transcript = transcriptSource(deps);

  api.openapi(eventsRoute, async (c) => {
    const task = await visibleTask(deps, c.get('viewer'), c.req.valid('param').id);
    if (wantsEventStream(c))
      return streamTaskRows(c, deps, {
        kind: 'events',
        taskId: task.id,
        afterId: resumeFrom(c),
        source: events,
        message: (row) => ({ event: 'task_event', data: taskEventSchema.parse(presentEvent(row)) }),
      }) as never;
    const rows = await events.read(task.id, cursorOf(c.req.valid('query').cursor), PAGE);
    return answer(c, taskEventsSchema, {
      events: rows.map(presentEvent),
      nextCursor: rows.length === PAGE ? encodeCursor(rows[rows.length - 1]!.id) : null,
    }) as never;
  });

  api.openapi(transcriptRoute, async (c) => {
    const task = await visibleTask(deps, c.get('viewer'), c.req.valid('param').id);
    if (wantsEventStream(c))
      return streamTaskRows(c, deps, {
        kind: 'transcript',
        taskId: task.id,
        afterId: resumeFrom(c),
        source: transcript,
        message: (row) => ({
          event: 'transcript',
          data: transcriptItemSchema.parse(presentTranscriptItem(row)),
        }),
      }) as never;
    const [rows, summary] = await Promise.all([
      transcript.read(task.id, cursorOf(c.req.valid('query').cursor), PAGE),
      transcriptSummary(deps.pool, task.id),
    ]);
    return answer(c, transcriptSchema, {
      items: rows.map(presentTranscriptItem),
      truncated: summary.truncated,
      nextCursor: rows.length === PAGE ? encodeCursor(rows[rows.length - 1]!.id) : null,
    }) as never;
  });
}
