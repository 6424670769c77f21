import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../src/core/repo-config/schema.ts';
import { appendTaskEvent, taskEvents } from '../../src/store/task-events.ts';
import { transitionTask } from '../../src/store/task-transitions.ts';
import {
  createdTask,
  createTask as createTaskOrLimit,
  getTask,
  type NewTask,
  taskAgeMs,
} from '../../src/store/tasks.ts';

const createTask = async (...args: Parameters<typeof createTaskOrLimit>) =>
  createdTask(await createTaskOrLimit(...args));

import { createAppDatabase } from '../support/database.ts';

const settings = (() => {
  const parsed = parseRepoConfig({ engine: 'command', command: 'true' });
  if (!parsed.ok) throw new Error('bad settings');
  return parsed.config;
})();

let nextComment = 1000;
function newTask(overrides: Partial<NewTask> = {}): NewTask {
  return {
    installationId: 1,
    repoId: 77,
    repoOwner: 'acme',
    repoName: 'widgets',
    issueNumber: 5,
    isPullRequest: false,
    commentKind: 'issue_comment',
    commentId: nextComment++,
    deliveryId: null,
    requesterLogin: 'alice',
    requesterId: 10,
    prompt: 'add a test',
    issueTitle: 'Tests',
    engine: 'command',
    settings,
    state: 'queued',
    followUpOfPr: null,
    branch: null,
    ...overrides,
  };
}

describe('task store', () => {
  let db: Awaited<ReturnType<typeof createAppDatabase>>;
  beforeAll(async () => {
    db = await createAppDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  const jobs = async (taskId: number) =>
    (
      await db.pool.query(
        `SELECT task_identifier, key FROM graphile_worker.jobs WHERE key LIKE '%:' || $1 OR key LIKE '%:' || $1 || ':%' ORDER BY id`,
        [taskId],
      )
    ).rows;

  it('creates the task with its first event and queues its follow-ups', async () => {
    const { task, created } = await createTask(db.pool, newTask());
    expect(created).toBe(true);
    expect(task).toMatchObject({
      state: 'queued',
      version: 1,
      attempt: 1,
      repoOwner: 'acme',
      workflowFile: 'agent.yml',
    });
    const events = await taskEvents(db.pool, task.id);
    expect(events).toEqual([
      expect.objectContaining({ seq: 1, type: 'created', toState: 'queued', actor: 'alice' }),
    ]);
    // Its feedback waits for start-queued, so that the dispatch is the task's first write.
    expect((await jobs(task.id)).map((j) => j.task_identifier)).toEqual([]);
    const startQueued = await db.pool.query(
      `SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = 'start-queued:' || $1`,
      [task.repoId],
    );
    expect(startQueued.rows[0].n).toBe(1);
  });

  it("measures a task's age on the database's clock, which set created_at", async () => {
    const { task } = await createTask(db.pool, newTask());
    const fresh = await taskAgeMs(db.pool, task.id);
    expect(fresh).toBeGreaterThanOrEqual(0);
    await db.pool.query(`UPDATE tasks SET created_at = created_at - interval '90 seconds' WHERE id = $1`, [
      task.id,
    ]);
    const backdated = (await taskAgeMs(db.pool, task.id))!;
    expect(backdated - fresh!).toBeGreaterThanOrEqual(90_000);
    expect(await taskAgeMs(db.pool, 2 ** 31 - 1)).toBeUndefined();
  });

  it('returns the existing task for a comment it already made one for', async () => {
    const input = newTask();
    const first = await createTask(db.pool, input);
    const second = await createTask(db.pool, input);
    expect(second).toEqual({ task: expect.objectContaining({ id: first.task.id }), created: false });
    expect(await taskEvents(db.pool, first.task.id)).toHaveLength(1);
  });

  it('creates one task when the same comment is processed 10 times at once', async () => {
    const input = newTask();
    const results = await Promise.all(Array.from({ length: 10 }, () => createTask(db.pool, input)));
    expect(new Set(results.map((r) => r.task.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('applies allowed transitions, records them and bumps the version', async () => {
    const { task } = await createTask(db.pool, newTask());
    const dispatched = await transitionTask(db.pool, task.id, {
      type: 'dispatch',
      actor: 'app',
      fields: { dispatchedAt: new Date() },
    });
    expect(dispatched).toMatchObject({ ok: true, from: 'queued', task: { state: 'dispatched', version: 2 } });
    const started = await transitionTask(db.pool, task.id, {
      type: 'run_started',
      actor: 'github',
      payload: { runId: 9 },
    });
    expect(started).toMatchObject({ ok: true, task: { state: 'running', version: 3 } });
    const events = await taskEvents(db.pool, task.id);
    expect(events.map((e) => [e.seq, e.type, e.fromState, e.toState])).toEqual([
      [1, 'created', null, 'queued'],
      [2, 'dispatch', 'queued', 'dispatched'],
      [3, 'run_started', 'dispatched', 'running'],
    ]);
    expect(events[2]?.payload).toEqual({ runId: 9 });
    expect((await jobs(task.id)).map((j) => j.task_identifier)).toContain('dispatch-task');
  });

  it('refuses a transition the table does not allow and changes nothing', async () => {
    const { task } = await createTask(db.pool, newTask());
    const result = await transitionTask(db.pool, task.id, { type: 'published', actor: 'app' });
    expect(result).toMatchObject({ ok: false, reason: 'cannot published a task that is queued' });
    expect((await getTask(db.pool, task.id))?.version).toBe(1);
  });

  it('lets exactly one of two racing terminal transitions win', async () => {
    const { task } = await createTask(db.pool, newTask());
    await transitionTask(db.pool, task.id, { type: 'dispatch', actor: 'app' });
    await transitionTask(db.pool, task.id, { type: 'run_started', actor: 'app' });
    const [cancel, fail] = await Promise.all([
      transitionTask(db.pool, task.id, { type: 'cancel', actor: 'bob' }),
      transitionTask(db.pool, task.id, { type: 'fail', actor: 'sweeper' }),
    ]);
    expect([cancel.ok, fail.ok].filter(Boolean)).toHaveLength(1);
    const final = await getTask(db.pool, task.id);
    expect(['cancelled', 'failed']).toContain(final?.state);
    expect(final?.finishedAt).toBeInstanceOf(Date);
    const terminalEvents = (await taskEvents(db.pool, task.id)).filter(
      (e) => e.type === 'cancel' || e.type === 'fail',
    );
    expect(terminalEvents).toHaveLength(1);
  });

  it('keeps event numbers gapless while progress and transitions interleave', async () => {
    const { task } = await createTask(db.pool, newTask());
    await transitionTask(db.pool, task.id, { type: 'dispatch', actor: 'app' });
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) =>
        appendTaskEvent(db.pool, task.id, { type: 'progress', actor: 'job', payload: { i } }),
      ),
      transitionTask(db.pool, task.id, { type: 'run_started', actor: 'app' }),
    ]);
    const seqs = (await taskEvents(db.pool, task.id)).map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it('holds back a request above the per-user hourly limit, even when requests race', async () => {
    const requests = Array.from({ length: 6 }, () => newTask({ repoId: 99, requesterId: 55 }));
    const results = await Promise.all(
      requests.map((r) => createTaskOrLimit(db.pool, r, { perUserPerHour: 4 })),
    );
    const limited = results.filter((r) => 'rateLimited' in r);
    expect(limited).toHaveLength(2);
    expect(limited[0]).toEqual({ rateLimited: { limit: 4, retryAt: expect.any(Date) } });
  });

  it('starts the next queued task when an active one ends', async () => {
    const { task } = await createTask(db.pool, newTask({ repoId: 88 }));
    await transitionTask(db.pool, task.id, { type: 'dispatch', actor: 'app' });
    await transitionTask(db.pool, task.id, { type: 'fail', actor: 'app' });
    const keys = (await db.pool.query(`SELECT key FROM graphile_worker.jobs WHERE key = 'start-queued:88'`))
      .rows;
    expect(keys).toHaveLength(1);
  });
});
