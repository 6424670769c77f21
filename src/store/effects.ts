// The ledger of once-only GitHub effects (`github_effects`): a row per effect, written `started`
// before the call and `done` with its result after; src/github/once.ts holds the algorithm.
import type { Queryable } from '../platform/db/pool.ts';

export type EffectRow<T> = { state: 'started' | 'done'; result: T };

export async function effectOf<T>(db: Queryable, key: string): Promise<EffectRow<T> | undefined> {
  const existing = await db.query<EffectRow<T>>('SELECT state, result FROM github_effects WHERE key = $1', [
    key,
  ]);
  return existing.rows[0];
}

export async function startEffect(db: Queryable, key: string): Promise<void> {
  await db.query(`INSERT INTO github_effects (key, state) VALUES ($1, 'started')`, [key]);
}

export async function finishEffect(db: Queryable, key: string, result: unknown): Promise<void> {
  await db.query(`UPDATE github_effects SET state = 'done', result = $2, updated_at = now() WHERE key = $1`, [
    key,
    JSON.stringify(result ?? null),
  ]);
}

/** The result of an effect that is done, if it is. */
export async function doneEffect<T>(db: Queryable, key: string): Promise<T | undefined> {
  const found = await db.query<{ result: T }>(
    `SELECT result FROM github_effects WHERE key = $1 AND state = 'done'`,
    [key],
  );
  return found.rows[0]?.result;
}

/**
 * Claims `key` for `owner` (a delivery id): true for the first owner and again on that owner's
 * retries, false for everyone else. For notices said once however many deliveries ask.
 */
export async function claimOnce(db: Queryable, key: string, owner: string): Promise<boolean> {
  const claimed = await db.query<{ result: string }>(
    `INSERT INTO github_effects (key, state, result) VALUES ($1, 'done', to_jsonb($2::text))
     ON CONFLICT (key) DO UPDATE SET updated_at = github_effects.updated_at
     RETURNING result #>> '{}' AS result`,
    [key, owner],
  );
  return claimed.rows[0]?.result === owner;
}
