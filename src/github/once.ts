// Side effects on GitHub that must happen exactly once even when a job is retried after a crash
// (a comment, a pull request, a dispatch). The ledger row is written before the call; a retry
// that finds the row but no result first looks on GitHub for what the earlier attempt may have
// made. A session advisory lock keeps two workers from performing the same effect at once.
import type { Db } from '../platform/db/pool.ts';
import { effectOf, finishEffect, startEffect } from '../store/effects.ts';
import { sessionLock, sessionUnlock } from '../store/transactions.ts';

export type OnceSteps<T> = {
  /** Look on GitHub for the result of an earlier attempt that may have succeeded. */
  find: () => Promise<T | undefined>;
  perform: () => Promise<T>;
};

export async function once<T>(pool: Db, key: string, steps: OnceSteps<T>): Promise<T> {
  const client = await pool.connect();
  let locked = false;
  try {
    await sessionLock(client, 'effect', key);
    locked = true;
    const row = await effectOf<T>(client, key);
    if (row?.state === 'done') return row.result;
    if (row) {
      const found = await steps.find();
      if (found !== undefined) {
        await finishEffect(client, key, found);
        return found;
      }
    } else {
      await startEffect(client, key);
    }
    const result = await steps.perform();
    await finishEffect(client, key, result);
    return result;
  } finally {
    if (locked) await sessionUnlock(client, 'effect', key).catch(() => {});
    client.release();
  }
}
