// Task events across every task, live: the dashboard's activity stream and its task table. The
// stream hub tells of each change (a task_events row committed by any replica); this feed reads
// the task's new events once, with the task's row, and hands them to each subscriber that may see
// that task. It keeps, per task, the last event it handed out, so each event goes out once; a task
// it has not seen yet is read for the last minute only (older events are on the page already).
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { taskEventsSince, tasksChangedSince } from '../../store/activity.ts';
import type { TaskEventRow } from '../../store/task-events.ts';
import { type TaskSummaryRow, taskSummaries } from '../../store/task-history.ts';
import type { StreamHub } from '../stream-hub.ts';

export type ActivityItem = { task: TaskSummaryRow; event: TaskEventRow };

export type ActivityFeed = {
  /** `accepts` says which tasks the subscriber may see; returns the function that ends it. */
  subscribe(accepts: (task: TaskSummaryRow) => boolean, onItems: (items: ActivityItem[]) => void): () => void;
  close(): void;
};

type Subscriber = { accepts(task: TaskSummaryRow): boolean; onItems(items: ActivityItem[]): void };

const NEW_TASK_WINDOW_S = 60;
const RESYNC_WINDOW_S = 300;
const FORGET_AFTER_MS = 10 * 60_000;

export function createActivityFeed(hub: StreamHub, pool: Db, log: Logger): ActivityFeed {
  const subscribers = new Set<Subscriber>();
  /** Per task: the last event handed out, and when. */
  const cursors = new Map<number, { seq: number; at: number }>();
  /** Tasks to read, with how far back to look when the task is new to the feed. */
  const pending = new Map<number, number>();
  let unwatch: (() => void) | undefined;
  let reading = false;

  function forgetOld(now: number): void {
    for (const [taskId, cursor] of cursors) if (now - cursor.at > FORGET_AFTER_MS) cursors.delete(taskId);
  }

  async function read(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      while (pending.size > 0 && subscribers.size > 0) {
        const batch = [...pending].slice(0, 50);
        for (const [taskId] of batch) pending.delete(taskId);
        const found = await Promise.all(
          batch.map(async ([taskId, window]) => {
            const after = cursors.get(taskId)?.seq ?? 0;
            return { taskId, events: await taskEventsSince(pool, taskId, after, window) };
          }),
        );
        const changed = found.filter((f) => f.events.length > 0);
        if (changed.length === 0) continue;
        const tasks = new Map(
          (
            await taskSummaries(
              pool,
              changed.map((f) => f.taskId),
            )
          ).map((t) => [t.id, t]),
        );
        const now = Date.now();
        const items: ActivityItem[] = [];
        for (const { taskId, events } of changed) {
          const task = tasks.get(taskId);
          const last = events[events.length - 1]!;
          const known = cursors.get(taskId)?.seq ?? 0;
          cursors.set(taskId, { seq: Math.max(known, last.seq), at: now });
          if (task) for (const event of events) if (event.seq > known) items.push({ task, event });
        }
        forgetOld(now);
        for (const subscriber of subscribers) {
          const visible = items.filter((item) => subscriber.accepts(item.task));
          if (visible.length > 0) subscriber.onItems(visible);
        }
      }
    } catch (error) {
      log.warn({ err: error }, 'activity feed read failed; it resumes with the next change');
    } finally {
      reading = false;
      if (pending.size > 0 && subscribers.size > 0) void read();
    }
  }

  async function resync(): Promise<void> {
    try {
      for (const taskId of await tasksChangedSince(pool, RESYNC_WINDOW_S))
        pending.set(taskId, RESYNC_WINDOW_S);
      void read();
    } catch (error) {
      log.warn({ err: error }, 'activity feed could not catch up after a lost connection');
    }
  }

  function watch(): void {
    unwatch = hub.watchAll((change) => {
      if (change === 'resync') return void resync();
      if (change.kind !== 'events') return;
      pending.set(change.taskId, Math.max(pending.get(change.taskId) ?? 0, NEW_TASK_WINDOW_S));
      void read();
    });
  }

  return {
    subscribe(accepts, onItems) {
      const subscriber = { accepts, onItems };
      subscribers.add(subscriber);
      if (!unwatch) watch();
      return () => {
        subscribers.delete(subscriber);
        if (subscribers.size === 0) {
          unwatch?.();
          unwatch = undefined;
          cursors.clear();
          pending.clear();
        }
      };
    },
    close() {
      subscribers.clear();
      unwatch?.();
      unwatch = undefined;
    },
  };
}
