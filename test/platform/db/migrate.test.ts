import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, migrationNames } from '../../../src/platform/db/migrate.ts';
import { pendingMigrations } from '../../../src/store/health.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../../support/database.ts';

describe('migrations', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeEach(async () => {
    db = await createTestDatabase();
    pool = testPool(db.url);
  });
  afterEach(async () => {
    await pool.end();
    await db.drop();
  });

  it('applies every migration to an empty database', async () => {
    expect(await pendingMigrations(pool)).toEqual(migrationNames());
    const applied = await migrate(db.url);
    expect(applied).toEqual(migrationNames());
    expect(await pendingMigrations(pool)).toEqual([]);
    const tables = await pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['pgmigrations', 'task_events', 'tasks', 'webhook_deliveries']),
    );
  });

  it('applies nothing the second time', async () => {
    await migrate(db.url);
    expect(await migrate(db.url)).toEqual([]);
    const rows = await pool.query('SELECT count(*)::int AS n FROM pgmigrations');
    expect(rows.rows[0].n).toBe(migrationNames().length);
  });

  it('lets two migrators start at once and applies each migration exactly once', async () => {
    const [first, second] = await Promise.all([migrate(db.url), migrate(db.url)]);
    expect([...first, ...second].sort()).toEqual(migrationNames());
    const rows = await pool.query('SELECT name, count(*)::int AS n FROM pgmigrations GROUP BY name');
    expect(rows.rows.every((r) => r.n === 1)).toBe(true);
    expect(rows.rows).toHaveLength(migrationNames().length);
  });

  it('returns once its own connection is closed, so nothing of it outlives the call', async () => {
    const own = (
      await pool.query<{ name: string }>('SELECT current_setting($1) AS name', ['application_name'])
    ).rows[0]!.name;
    const left: number[] = [];
    for (let i = 0; i < 20; i++) {
      await migrate(db.url);
      // Client connections only: an autovacuum worker visiting the freshly written tables is
      // listed with the database too, and is nobody's leak.
      const others = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend'
            AND application_name IS DISTINCT FROM $1`,
        [own],
      );
      left.push(others.rows[0]!.n);
    }
    expect(left).toEqual(left.map(() => 0));
  });

  it('refuses a second task for the same command comment', async () => {
    await migrate(db.url);
    const insert = `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number,
      is_pull_request, comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state)
      VALUES (1, 2, 'o', 'r', 3, false, 'issue_comment', 99, 'u', 4, 'run', 'p', 'command', 'queued')`;
    await pool.query(insert);
    await expect(pool.query(insert)).rejects.toThrow(/tasks_one_task_per_command/);
  });

  it('refuses a second row for the same delivery id', async () => {
    await migrate(db.url);
    const insert = `INSERT INTO webhook_deliveries (delivery_id, event, payload) VALUES ('d-1', 'ping', '{}')`;
    await pool.query(insert);
    await expect(pool.query(insert)).rejects.toThrow(/webhook_deliveries_pkey/);
  });

  it('keeps task events append-only', async () => {
    await migrate(db.url);
    const task =
      await pool.query(`INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number,
      is_pull_request, comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state)
      VALUES (1, 2, 'o', 'r', 3, false, 'issue_comment', 7, 'u', 4, 'run', 'p', 'command', 'queued') RETURNING id`);
    const id = task.rows[0].id;
    await pool.query(`INSERT INTO task_events (task_id, seq, type, actor) VALUES ($1, 1, 'created', 'u')`, [
      id,
    ]);
    await expect(pool.query(`UPDATE task_events SET type = 'x' WHERE task_id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query(`DELETE FROM task_events WHERE task_id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
  });
});
