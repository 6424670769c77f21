// Side effects on GitHub that must happen exactly once even when a job is retried after a crash
// (a comment, a pull request, a dispatch). The ledger row is written before the call; a retry
// that finds the row but no result first looks on GitHub for what the earlier attempt may have
// made. A session advisory lock keeps two workers from performing the same effect at once.
import type { Db } from '../platform/db/pool.ts';

export type OnceSteps<T> = {
  /** Look on GitHub for the result of an earlier attempt that may have succeeded. */
  find: () => Promise<T | undefined>;
  perform: () => Promise<T>;
};

export async function once<T>(pool: Db, key: string, steps: OnceSteps<T>): Promise<T> {
  const client = await pool.connect();
  let locked = false;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 42))', [key]);
    locked = true;
    const existing = await client.query<{ state: string; result: T }>(
      'SELECT state, result FROM github_effects WHERE key = $1',
      [key],
    );
    const row = existing.rows[0];
    if (row?.state === 'done') return row.result;
    if (row) {
      const found = await steps.find();
      if (found !== undefined) {
        await markDone(client, key, found);
        return found;
      }
    } else {
      await client.query(`INSERT INTO github_effects (key, state) VALUES ($1, 'started')`, [key]);
    }
    const result = await steps.perform();
    await markDone(client, key, result);
    return result;
  } finally {
    if (locked)
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 42))', [key]).catch(() => {});
    client.release();
  }
}

async function markDone(client: { query: Db['query'] }, key: string, result: unknown): Promise<void> {
  await client.query(
    `UPDATE github_effects SET state = 'done', result = $2, updated_at = now() WHERE key = $1`,
    [key, JSON.stringify(result ?? null)],
  );
}
