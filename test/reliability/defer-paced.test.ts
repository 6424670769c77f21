// A job whose GitHub write slot is far away goes back to the queue for that time: the worker is
// free for other jobs meanwhile, the job keeps its key, and the wait costs it no attempt.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lanes } from '../../src/core/pacing/write-pacing.ts';
import { asDeferrable, createPacedFetch, WritePacingDeferred } from '../../src/github/paced-fetch.ts';
import { deferWhenPaced, pacingDeferral } from '../../src/queue/defer-paced.ts';
import { startWorker, type WorkerHandle } from '../../src/queue/start-worker.ts';
import { addJob } from '../../src/store/jobs.ts';
import { pauseWrites } from '../../src/store/write-pacing.ts';
import { createAppDatabase } from '../support/database.ts';
import { testLogger } from '../support/quiet-logger.ts';

type Run = { job: string; at: number; attempts: number; key: string | null; priority: number };

describe('jobs waiting for a GitHub write slot', () => {
  let db: Awaited<ReturnType<typeof createAppDatabase>>;
  let worker: WorkerHandle | undefined;
  beforeAll(async () => {
    db = await createAppDatabase();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await db?.close();
  });

  it('go back to the queue until their slot, leaving the worker to other jobs', async () => {
    const runs: Run[] = [];
    let retryAt = 0;
    const record = (
      job: string,
      helpers: { job: { attempts: number; key: string | null; priority: number } },
    ) =>
      runs.push({
        job,
        at: Date.now(),
        attempts: helpers.job.attempts,
        key: helpers.job.key,
        priority: helpers.job.priority,
      });
    const tasks = deferWhenPaced(db.pool, testLogger(), {
      busy: async (_payload, helpers) => {
        record('busy', helpers);
        if (runs.filter((r) => r.job === 'busy').length === 1) {
          // Queued while the only worker slot is taken: it can run only once this job lets go.
          await addJob(db.pool, 'other', {});
          retryAt = Date.now() + 1_500;
          // As Probot reports a handler's failure: inside an AggregateError, as a cause.
          const deferred = new WritePacingDeferred('no GitHub write slot', new Date(retryAt));
          throw new AggregateError([new Error('handler failed', { cause: deferred })]);
        }
      },
      other: async (_payload, helpers) => {
        record('other', helpers);
      },
    });
    worker = await startWorker({
      pool: db.pool,
      log: testLogger(),
      concurrency: 1,
      tasks,
      shutdownTimeoutMs: 5_000,
    });
    await addJob(db.pool, 'busy', { n: 1 }, { jobKey: 'busy:1' });

    const deadline = Date.now() + 15_000;
    while (runs.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs.map((r) => r.job)).toEqual(['busy', 'other', 'busy']);
    const [first, , again] = runs as [Run, Run, Run];
    // Not before the slot; under its own key; the wait did not count as an attempt.
    expect(again.at).toBeGreaterThanOrEqual(retryAt);
    expect(again.key).toBe('busy:1');
    expect(first.attempts).toBe(1);
    expect(again.attempts).toBe(1);
    // Back behind fresh work: other installations' new jobs go first.
    expect([first.priority, again.priority]).toEqual([0, 1]);
    // The handler has run; the job is done once the worker let go of it (then nothing is left:
    // not a retry, not a failure).
    const locked = () => db.pool.query('SELECT 1 FROM graphile_worker.jobs WHERE locked_at IS NOT NULL');
    while ((await locked()).rowCount !== 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const left = await db.pool.query('SELECT count(*)::int AS n FROM graphile_worker.jobs');
    expect(left.rows[0].n).toBe(0);
  }, 30_000);

  it('are told apart from other failures, which the queue retries as usual', () => {
    const deferred = new WritePacingDeferred('far', new Date());
    expect(pacingDeferral(deferred)).toBe(deferred);
    expect(pacingDeferral(new AggregateError([new Error('x'), deferred]))).toBe(deferred);
    expect(pacingDeferral(new Error('outer', { cause: deferred }))).toBe(deferred);
    expect(pacingDeferral(new Error('database down'))).toBeUndefined();
    // No slot because the database was unreachable: no time to come back at, an ordinary retry.
    expect(pacingDeferral(new WritePacingDeferred('no database', undefined))?.retryAt).toBeUndefined();
  });

  it('hold at most one worker asleep per lane: a second job that would sleep beside it goes back to the queue', async () => {
    const server: Server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repos/o/r/issues/1/comments`;
    // One write a second, no burst: each write after the first waits for its slot.
    const pacing = { minute: { intervalMs: 1_000, toleranceMs: 0 }, hour: { intervalMs: 0, toleranceMs: 0 } };
    const lanes: Lanes = { dispatch: pacing, other: pacing, split: false };
    const key = `installation:sleepers-${Date.now()}`;
    const paced = createPacedFetch(key, {
      pool: db.pool,
      lanes,
      maxWaitMs: 6_000,
      sleeping: new Set(),
      signal: new AbortController().signal,
      log: testLogger(),
    });
    const post = () => paced(url, { method: 'POST', body: '{}' }).then((answer) => answer.status);
    const settled = (work: Promise<number>) =>
      work.then(
        (status) => ({ status }),
        (error: unknown) => ({
          deferred: error instanceof WritePacingDeferred,
          retryAt: (error as WritePacingDeferred).retryAt,
        }),
      );
    try {
      // No write for 4 s (as after GitHub's retry-after), whatever order the three below reserve
      // in: one job sleeps until then, the one beside it is deferred, and a request outside a
      // job (the REST API, which cannot be put back) still waits for its own slot.
      const began = Date.now();
      await pauseWrites(db.pool, key, 4_000);
      const [asleep, beside, outside] = await Promise.all([
        settled(asDeferrable(post)),
        settled(asDeferrable(post)),
        settled(post()),
      ]);
      expect(asleep).toEqual({ status: 200 });
      expect(beside).toMatchObject({ deferred: true });
      expect((beside as { retryAt: Date }).retryAt.getTime()).toBeGreaterThan(began + 3_000);
      expect(outside).toEqual({ status: 200 });
      // Once nobody sleeps on the lane, a job may sleep again.
      expect(await asDeferrable(post)).toBe(200);
    } finally {
      server.close();
    }
  }, 30_000);
});
