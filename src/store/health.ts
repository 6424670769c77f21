// What readiness and start-up ask the database: is it there, and which migrations has it applied.
import { MIGRATIONS_TABLE, migrationNames } from '../platform/db/migrate.ts';
import type { Queryable } from '../platform/db/pool.ts';

/** Names of the migrations recorded in `table` (none when the table does not exist yet). */
export async function appliedMigrations(db: Queryable, table: string): Promise<Set<string>> {
  const exists = await db.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `public.${table}`,
  ]);
  const applied = new Set<string>();
  if (!exists.rows[0]?.present) return applied;
  const rows = await db.query<{ name: string }>(`SELECT name FROM ${table}`);
  for (const row of rows.rows) applied.add(row.name);
  return applied;
}

/** Names of migrations in migrations/ that the database has not applied yet. */
export async function pendingMigrations(db: Queryable): Promise<string[]> {
  const applied = await appliedMigrations(db, MIGRATIONS_TABLE);
  return migrationNames().filter((name) => !applied.has(name));
}
