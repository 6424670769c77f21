// Live task streams for every replica. One connection per process LISTENs on Postgres; a row
// inserted into task_events or transcript_events (by any replica) notifies it through a trigger,
// and the feed of that task reads the new rows once and hands them to each of its subscribers.
// Rows of one task are numbered under that task's lock, so a cursor (the last id seen) never
// skips a row that commits late.
import pg from 'pg';
import type { Logger } from '../platform/logging/create-logger.ts';
import { listenForStreams } from '../store/stream-notifications.ts';

export type StreamKind = 'events' | 'transcript';

export type StreamRow = { id: number };

/** How a feed reads its task's rows after a cursor, in order, at most `limit`. */
export type ReadAfter<R extends StreamRow> = (taskId: number, afterId: number, limit: number) => Promise<R[]>;

/** Where a stream's rows come from: reading after a cursor, and the newest id stored. */
export type StreamSource<R extends StreamRow> = {
  read: ReadAfter<R>;
  latest(taskId: number): Promise<number>;
};

type Listener<R> = { deliver(rows: R[]): void };

export type WatchAll = (change: { kind: StreamKind; taskId: number } | 'resync') => void;

type Feed<R extends StreamRow> = {
  listeners: Set<Listener<R>>;
  lastId: number;
  ready: Promise<void>;
  reading: boolean;
  again: boolean;
};

export type Subscription<R> = {
  /** Rows already stored after the cursor (up to when the subscription began), in order. */
  replay: R[];
  /** Rows arriving from now on are passed to `onRows`; call to stop. */
  close(): void;
};

const PAGE = 500;

export type StreamHub = {
  subscribe<R extends StreamRow>(
    kind: StreamKind,
    taskId: number,
    afterId: number,
    source: StreamSource<R>,
    onRows: (rows: R[]) => void,
  ): Promise<Subscription<R>>;
  /**
   * Every change of every task (`kind`, task id), for feeds across tasks (the dashboard's
   * activity and task table); `resync` after the connection was lost, when changes may have been
   * missed. Returns the function that stops watching.
   */
  watchAll(listener: WatchAll): () => void;
  /** Open feeds and their subscribers (metrics, tests). */
  size(): { feeds: number; subscribers: number };
  close(): Promise<void>;
};

async function readAll<R extends StreamRow>(
  read: ReadAfter<R>,
  taskId: number,
  after: number,
  upTo = Infinity,
) {
  const rows: R[] = [];
  let cursor = after;
  for (;;) {
    const page = await read(taskId, cursor, PAGE);
    const within = page.filter((row) => row.id <= upTo);
    rows.push(...within);
    if (page.length < PAGE || within.length < page.length) return rows;
    cursor = page[page.length - 1]!.id;
  }
}

export async function startStreamHub(databaseUrl: string, log: Logger): Promise<StreamHub> {
  const feeds = new Map<string, Feed<StreamRow>>();
  const readers = new Map<string, { taskId: number; read: ReadAfter<StreamRow> }>();
  const watchers = new Set<WatchAll>();
  let closed = false;
  let client: pg.Client | undefined;

  function tellWatchers(payload: string): void {
    const [kind, id] = payload.split(':');
    const taskId = Number(id);
    if ((kind !== 'events' && kind !== 'transcript') || !Number.isSafeInteger(taskId)) return;
    for (const watcher of watchers) watcher({ kind, taskId });
  }

  async function pump(key: string): Promise<void> {
    const feed = feeds.get(key);
    const reader = readers.get(key);
    if (!feed || !reader) return;
    if (feed.reading) {
      feed.again = true;
      return;
    }
    feed.reading = true;
    try {
      await feed.ready;
      do {
        feed.again = false;
        const rows = await readAll(reader.read, reader.taskId, feed.lastId);
        if (rows.length === 0) continue;
        feed.lastId = rows[rows.length - 1]!.id;
        for (const listener of feed.listeners) listener.deliver(rows);
      } while (feed.again && feeds.get(key) === feed);
    } catch (error) {
      log.warn({ err: error, feed: key }, 'live stream read failed; retrying on the next change');
    } finally {
      feed.reading = false;
    }
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: databaseUrl, application_name: 'agent-dispatch-streams' });
    next.on('notification', (message) => {
      if (!message.payload) return;
      if (feeds.has(message.payload)) void pump(message.payload);
      if (watchers.size > 0) tellWatchers(message.payload);
    });
    next.on('error', (error) => {
      if (closed) return;
      log.warn({ err: error }, 'live stream connection lost; reconnecting');
      void next.end().catch(() => {});
      if (client === next) client = undefined;
      setTimeout(() => void reconnect(), 1000).unref();
    });
    await next.connect();
    await listenForStreams(next);
    client = next;
  }

  async function reconnect(): Promise<void> {
    if (closed || client) return;
    try {
      await connect();
      // Changes made while no one listened: every feed reads from where it was.
      for (const key of feeds.keys()) void pump(key);
      for (const watcher of watchers) watcher('resync');
    } catch (error) {
      log.warn({ err: error }, 'live stream connection failed; retrying');
      setTimeout(() => void reconnect(), 2000).unref();
    }
  }

  await connect();

  return {
    async subscribe(kind, taskId, afterId, source, onRows) {
      const read = source.read;
      const key = `${kind}:${taskId}`;
      let feed = feeds.get(key) as Feed<StreamRow> | undefined;
      if (!feed) {
        const created: Feed<StreamRow> = {
          listeners: new Set(),
          lastId: 0,
          reading: false,
          again: false,
          ready: Promise.resolve(),
        };
        // Start after what is stored now; the subscriber replays up to here itself.
        created.ready = source.latest(taskId).then(
          (latest) => {
            created.lastId = latest;
          },
          (error: unknown) => {
            if (feeds.get(key) === created) {
              feeds.delete(key);
              readers.delete(key);
            }
            throw error;
          },
        );
        feeds.set(key, created);
        readers.set(key, { taskId, read: read as ReadAfter<StreamRow> });
        feed = created;
      }
      await feed.ready;
      const buffered: StreamRow[] = [];
      let live = false;
      let cursor = afterId;
      const listener: Listener<StreamRow> = {
        deliver(rows) {
          if (!live) {
            buffered.push(...rows);
            return;
          }
          const fresh = rows.filter((row) => row.id > cursor);
          if (fresh.length === 0) return;
          cursor = fresh[fresh.length - 1]!.id;
          onRows(fresh as never);
        },
      };
      const upTo = feed.lastId;
      feed.listeners.add(listener);
      const replay = afterId < upTo ? await readAll(read, taskId, afterId, upTo) : [];
      cursor = Math.max(afterId, replay.at(-1)?.id ?? afterId);
      live = true;
      if (buffered.length > 0) queueMicrotask(() => listener.deliver(buffered.splice(0)));
      const current = feed;
      return {
        replay,
        close() {
          current.listeners.delete(listener);
          if (current.listeners.size === 0 && feeds.get(key) === current) {
            feeds.delete(key);
            readers.delete(key);
          }
        },
      };
    },
    watchAll(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },
    size() {
      let subscribers = 0;
      for (const feed of feeds.values()) subscribers += feed.listeners.size;
      return { feeds: feeds.size, subscribers };
    },
    async close() {
      closed = true;
      feeds.clear();
      readers.clear();
      watchers.clear();
      await client?.end().catch(() => {});
    },
  };
}
