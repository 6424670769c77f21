// Row counts and on-disk sizes (pg_total_relation_size: heap, indexes, TOAST) of every table in
// the App's schema and graphile-worker's, for benchmarks that watch the database grow or not.
import type pg from 'pg';

export type TableSize = { table: string; rows: number; bytes: number };

const SCHEMAS = ['public', 'graphile_worker'];

export async function tableSizes(db: pg.Pool | pg.Client): Promise<TableSize[]> {
  const tables = await db.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname = ANY($1) AND tablename <> 'pgmigrations' ORDER BY schemaname DESC, tablename`,
    [SCHEMAS],
  );
  const sizes: TableSize[] = [];
  for (const { name } of tables.rows) {
    const row = await db.query<{ rows: number; bytes: string }>(
      `SELECT (SELECT count(*)::int FROM ${name}) AS rows, pg_total_relation_size($1::regclass) AS bytes`,
      [name],
    );
    sizes.push({ table: name, rows: row.rows[0]!.rows, bytes: Number(row.rows[0]!.bytes) });
  }
  return sizes;
}
