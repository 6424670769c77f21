// The database goes away just as a job finishes: graphile-worker cannot record the job's
// outcome and shuts its pool down. The queue gives the job back and starts a new pool once the
// database answers again; the job runs again (every job is idempotent) and nothing is left
// locked, in the same process, with no unhandled rejection.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWorker, type WorkerHandle } from '../../src/queue/start-worker.ts';
import { addJob } from '../../src/store/jobs.ts';
import { createAppDatabase } from '../support/database.ts';
import { testLogger } from '../support/quiet-logger.ts';
import { bringDatabaseBack, takeDatabaseDown } from './support/database-outage.ts';

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a queue worker pool that loses the database as a job finishes', () => {
  let db: Awaited<ReturnType<typeof createAppDatabase>>;
  let worker: WorkerHandle | undefined;
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    db = await createAppDatabase();
  }, 60_000);
  beforeEach(() => {
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('unhandledRejection', record);
  });
  afterAll(async () => {
    await bringDatabaseBack(db.name);
    await worker?.stop();
    await db?.close();
  });

  it('is replaced by a new pool, which runs the job again; nothing stays locked', async () => {
    const runs: string[] = [];
    let outage = false;
    worker = await startWorker({
      pool: db.pool,
      log: testLogger(),
      concurrency: 1,
      tasks: {
        finish: async () => {
          runs.push(outage ? 'during outage' : 'normal');
          // The first run ends with the database gone: its outcome cannot be written.
          if (runs.length === 1) {
            outage = true;
            await takeDatabaseDown(db.name);
          }
        },
      },
      shutdownTimeoutMs: 5_000,
      // Far longer than the test: only the queue's own replacement can give the job back.
      staleAfterMs: 10 * 60_000,
    });
    const locks = async () => {
      const rows = await db.pool.query<{ locked_by: string | null }>(
        'SELECT locked_by FROM graphile_worker.jobs',
      );
      return rows.rows;
    };
    await addJob(db.pool, 'finish', {});
    await waitFor('the first run', () => runs.length === 1);
    await waitFor('the pool to shut down', () => !worker!.isRunning());
    outage = false;
    await bringDatabaseBack(db.name);
    // Still locked by the pool that could not record the outcome, until the queue gives it back.
    await waitFor('the replacement pool', () => worker!.isRunning());
    await waitFor(
      'the job to run again and be recorded',
      async () => runs.length === 2 && (await locks()).length === 0,
    );
    expect(runs).toEqual(['normal', 'normal']);

    // The new pool takes new jobs as usual.
    await addJob(db.pool, 'finish', {});
    await waitFor('a later job', async () => runs.length === 3 && (await locks()).length === 0);
    const pools = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_workers');
    expect(pools.rows[0]!.n).toBe(1);
    expect(unhandled).toEqual([]);
  }, 60_000);
});
