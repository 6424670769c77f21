// The dashboard's live updates, as Server-Sent Events of rendered HTML (so the page's script only
// places fragments, and there is one renderer): a task's timeline and transcript (resumable, from
// the stream hub, like the API's streams), the activity across tasks, and the task table's rows.
import type { Context } from 'hono';
import { AppError } from '../../core/errors.ts';
import { type TaskSummaryRow, tasksMatching } from '../../store/task-history.ts';
import { resumeFrom, streamLive, streamTaskRows } from '../api/sse.ts';
import { eventSource, transcriptSource } from '../api/stream-routes.ts';
import { viewerOf } from '../authenticate.ts';
import type { ActivityItem } from '../live/activity-feed.ts';
import { problemFromThrown } from '../problem.ts';
import { visibleRepoIds, visibleTask } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';
import { activityItem, timelineItem } from './task-event.ts';
import { readTaskQuery, storeFilter } from './task-filter.ts';
import { taskRow } from './task-row.ts';
import { transcriptItem } from './transcript-view.ts';

type Handler = (deps: WebDeps, c: Context) => Promise<Response>;

function guarded(deps: WebDeps, handler: Handler) {
  return async (c: Context) => {
    try {
      return await handler(deps, c);
    } catch (error) {
      if (!(error instanceof AppError))
        deps.log.error({ err: error, path: c.req.path }, 'live update failed');
      return problemFromThrown(c, error);
    }
  };
}

async function taskEvents(deps: WebDeps, c: Context): Promise<Response> {
  const task = await visibleTask(deps, await viewerOf(deps, c), Number(c.req.param('id')));
  return streamTaskRows(c, deps, {
    kind: 'events',
    taskId: task.id,
    afterId: resumeFrom(c),
    source: eventSource(deps),
    message: (row) => ({
      event: 'task_event',
      data: { seq: row.seq, toState: row.toState, type: row.type, html: String(timelineItem(task.id, row)) },
    }),
  });
}

async function taskTranscript(deps: WebDeps, c: Context): Promise<Response> {
  const task = await visibleTask(deps, await viewerOf(deps, c), Number(c.req.param('id')));
  return streamTaskRows(c, deps, {
    kind: 'transcript',
    taskId: task.id,
    afterId: resumeFrom(c),
    source: transcriptSource(deps),
    message: (row) => ({ event: 'transcript', data: { id: row.id, html: String(transcriptItem(row)) } }),
  });
}

/** What the viewer may see, decided once per stream (as the pages decide it per request). */
async function visibility(deps: WebDeps, c: Context) {
  const viewer = await viewerOf(deps, c);
  const repoIds = await visibleRepoIds(deps, viewer);
  const visible = repoIds === undefined ? undefined : new Set(repoIds);
  return { viewer, accepts: (item: { repoId: number }) => visible === undefined || visible.has(item.repoId) };
}

async function activity(deps: WebDeps, c: Context): Promise<Response> {
  const { accepts } = await visibility(deps, c);
  return streamLive<ActivityItem>(
    c,
    async (onRows) => ({ replay: [], close: deps.activity.subscribe(accepts, onRows) }),
    ({ task, event }) => ({
      event: 'activity',
      data: {
        key: `${task.id}-${event.seq}`,
        progress: event.type === 'progress',
        html: String(activityItem(task, event)),
      },
    }),
  );
}

/** The table's rows: every change of a visible task (one row per task and batch), marked with
 *  whether the page's filter keeps it — decided by the store's query, as the page's own list is. */
async function taskRows(deps: WebDeps, c: Context): Promise<Response> {
  const { viewer, accepts } = await visibility(deps, c);
  const filter = await storeFilter(deps, viewer, readTaskQuery(new URL(c.req.url)));
  const web = deps.config.web.githubWebUrl;
  type Row = { task: TaskSummaryRow; matches: boolean };
  return streamLive<Row>(
    c,
    async (onRows) => {
      let queue = Promise.resolve(); // batches in order, so a row never goes back to an older state
      const close = deps.activity.subscribe(accepts, (items) => {
        const latest = [...new Map(items.map((item) => [item.task.id, item.task])).values()];
        queue = queue
          .then(async () => {
            const kept = await tasksMatching(
              deps.pool,
              filter,
              latest.map((t) => t.id),
            );
            onRows(latest.map((task) => ({ task, matches: kept.has(task.id) })));
          })
          .catch((error) => deps.log.warn({ err: error }, 'live task rows: a change was not sent'));
      });
      return { replay: [], close };
    },
    ({ task, matches }) => ({
      event: 'row',
      data: { id: task.id, matches, html: String(taskRow(task, web)) },
    }),
  );
}

export function mountLiveRoutes(
  http: { get(path: string, handler: (c: Context) => Promise<Response>): unknown },
  deps: WebDeps,
): void {
  http.get('/live/activity', guarded(deps, activity));
  http.get('/live/tasks', guarded(deps, taskRows));
  http.get('/live/tasks/:id/events', guarded(deps, taskEvents));
  http.get('/live/tasks/:id/transcript', guarded(deps, taskTranscript));
}
