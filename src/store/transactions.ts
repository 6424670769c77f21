// Transactions and advisory locks: how work on the same thing is kept one at a time, across
// workers and replicas. Each lock space has its own seed, so keys of different kinds never meet.
import type pg from 'pg';
import type { Db, Queryable } from '../platform/db/pool.ts';

export const LOCK_SPACES = {
  /** Starting a repository's queued tasks (transaction lock). */
  startQueued: 3,
  /** The per-user task limit of a repository (transaction lock). */
  taskLimit: 7,
  /** One piece of work at a time: a publish, a status comment, a review check (session lock). */
  work: 11,
  /** The per-user reply budget (transaction lock). */
  replies: 13,
  /** A cron job already running in another process (session lock, tried). */
  cron: 17,
  /** A once-only GitHub effect (session lock). */
  effect: 42,
} as const;
export type LockSpace = keyof typeof LOCK_SPACES;

export async function inTransaction<T>(pool: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Holds `key` until the caller's transaction ends. */
export async function lockForTransaction(client: Queryable, space: LockSpace, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, $2))', [key, LOCK_SPACES[space]]);
}

/** Session-level lock on a connection of its own: `lock` waits for it, `tryLock` gives up at once. */
export async function sessionLock(client: Queryable, space: LockSpace, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock(hashtextextended($1, $2))', [key, LOCK_SPACES[space]]);
}

export async function trySessionLock(client: Queryable, space: LockSpace, key: string): Promise<boolean> {
  const locked = await client.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_lock(hashtextextended($1, $2)) AS ok',
    [key, LOCK_SPACES[space]],
  );
  return locked.rows[0]?.ok === true;
}

export async function sessionUnlock(client: Queryable, space: LockSpace, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock(hashtextextended($1, $2))', [key, LOCK_SPACES[space]]);
}

/** Runs `work` on a connection of its own while holding `key`, if `acquire` gets it. */
async function holding<T>(
  pool: Db,
  space: LockSpace,
  key: string,
  acquire: (client: Queryable) => Promise<boolean>,
  work: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const client = await pool.connect();
  try {
    if (!(await acquire(client))) return { ran: false };
    try {
      return { ran: true, value: await work() };
    } finally {
      await sessionUnlock(client, space, key).catch(() => {});
    }
  } finally {
    client.release();
  }
}

/**
 * Runs `work` while holding a session lock on `key` (on a connection of its own), so work on the
 * same thing — across workers and replicas — happens one at a time.
 */
export async function withAdvisoryLock<T>(
  pool: Db,
  key: string,
  work: () => Promise<T>,
  space: LockSpace = 'work',
): Promise<T> {
  const wait = async (client: Queryable) => {
    await sessionLock(client, space, key);
    return true;
  };
  const done = await holding(pool, space, key, wait, work);
  if (!done.ran) throw new Error(`lock ${space}:${key} was not taken`);
  return done.value;
}

/** Runs `work` unless another process holds `key`; returns undefined when it did not run. */
export async function unlessLocked<T>(
  pool: Db,
  space: LockSpace,
  key: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const done = await holding(pool, space, key, (client) => trySessionLock(client, space, key), work);
  return done.ran ? done.value : undefined;
}
