// The sweeper against the simulator and a real database: tasks that stopped moving are checked
// against their run on GitHub and ended visibly, dispatched again, or given their job again.
// No queue worker runs here, so the jobs the sweeper queues stay visible.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../src/core/repo-config/schema.ts';
import { JOBS } from '../../src/core/task/follow-up-jobs.ts';
import type { Task, TaskFields } from '../../src/core/task/task.ts';
import type { TransitionType } from '../../src/core/task/task-states.ts';
import type { AppDeps } from '../../src/flows/app-deps.ts';
import { SWEEPER, sweepTasks } from '../../src/flows/reconcile/sweep-tasks.ts';
import { pruneRecords } from '../../src/store/prune-records.ts';
import { taskEvents } from '../../src/store/task-events.ts';
import { transitionTask } from '../../src/store/task-transitions.ts';
import { createdTask, createTask, getTask } from '../../src/store/tasks.ts';
import { heartbeat, releaseDeadWorkers } from '../../src/store/workers.ts';
import { testAppConfig } from '../support/app-config.ts';
import { testLogger } from '../support/quiet-logger.ts';
import { type GitHubFixture, startGitHubFixture } from './support/github-fixture.ts';

const QUICK_WORKFLOW = `name: quick
on: workflow_dispatch
jobs:
  noop:
    runs-on: ubuntu-latest
    steps:
      - run: echo done
`;

const settings = (() => {
  const parsed = parseRepoConfig({ engine: 'command', command: 'true' });
  if (!parsed.ok) throw new Error('bad settings');
  return parsed.config;
})();

describe('the sweeper', () => {
  let fixture: GitHubFixture;
  let nextComment = 5000;
  beforeAll(async () => {
    fixture = await startGitHubFixture({ files: { '.github/workflows/quick.yml': QUICK_WORKFLOW } });
  }, 30_000);
  afterAll(async () => {
    await fixture?.close();
  });

  function deps(env: Record<string, string> = {}): AppDeps {
    return {
      pool: fixture.db.pool,
      log: testLogger(),
      config: testAppConfig({ GITHUB_API_URL: fixture.sim.apiUrl, ...env }),
      github: fixture.clients(),
    };
  }

  /** A task walked through the real transitions to `path`'s end, then left alone for an hour. */
  async function staleTask(path: TransitionType[], fields: TaskFields = {}): Promise<Task> {
    const { task } = createdTask(
      await createTask(fixture.db.pool, {
        installationId: fixture.installationId,
        repoId: fixture.repo.id,
        repoOwner: fixture.repo.owner,
        repoName: fixture.repo.name,
        issueNumber: fixture.issue,
        isPullRequest: false,
        commentKind: 'issue_comment',
        commentId: nextComment++,
        deliveryId: null,
        requesterLogin: 'alice',
        requesterId: 10,
        prompt: 'do it',
        issueTitle: 'Pacing',
        engine: 'command',
        settings,
        state: 'queued',
        followUpOfPr: null,
        branch: null,
      }),
    );
    for (const type of path) {
      const moved = await transitionTask(fixture.db.pool, task.id, { type, actor: 'test', fields });
      if (!moved.ok) throw new Error(moved.reason);
    }
    await fixture.db.pool.query(`UPDATE tasks SET updated_at = now() - interval '1 hour' WHERE id = $1`, [
      task.id,
    ]);
    // Only the sweeper's own jobs should be visible below.
    await fixture.db.pool.query('DELETE FROM graphile_worker._private_jobs');
    return (await getTask(fixture.db.pool, task.id))!;
  }

  const jobKeys = async () =>
    (
      await fixture.db.pool.query<{ key: string }>('SELECT key FROM graphile_worker.jobs ORDER BY key')
    ).rows.map((r) => r.key);

  it('ends a task whose run vanished from GitHub as failed, with the logs link', async () => {
    const runUrl = `${fixture.sim.url}/acme/widgets/actions/runs/424242`;
    const task = await staleTask(['dispatch', 'run_started'], {
      workflowRunId: 424242,
      workflowRunUrl: runUrl,
    });
    const report = await sweepTasks(deps());
    expect(report).toMatchObject({ runsChecked: 1, failed: 1 });
    const ended = (await getTask(fixture.db.pool, task.id))!;
    expect(ended.state).toBe('failed');
    expect(ended.errorCode).toBe('run_lost');
    expect(ended.errorMessage).toContain('no longer exists on GitHub');
    expect(ended.errorMessage).toContain(`Logs: ${runUrl}`);
    const last = (await taskEvents(fixture.db.pool, task.id)).at(-1);
    expect(last).toMatchObject({ type: 'fail', actor: SWEEPER, toState: 'failed' });
  });

  it('ends a task whose run completed without reporting (its webhook was lost)', async () => {
    const { runId } = await fixture.sim.dispatchWorkflow({
      repo: fixture.repo.fullName,
      user: 'alice',
      workflow: 'quick.yml',
    });
    const deadline = Date.now() + 30_000;
    while (fixture.sim.runs().find((r) => r.id === runId)?.status !== 'completed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const run = fixture.sim.runs().find((r) => r.id === runId)!;
    expect(run.conclusion).toBe('success');
    const task = await staleTask(['dispatch', 'run_started'], {
      workflowRunId: runId,
      workflowRunUrl: 'stale',
    });
    await sweepTasks(deps());
    const ended = (await getTask(fixture.db.pool, task.id))!;
    expect(ended.state).toBe('failed');
    expect(ended.errorMessage).toMatch(/finished without reporting a result/);
    expect(ended.errorMessage).toContain(`/actions/runs/${runId}`);
  }, 40_000);

  it('dispatches a task with a lost run once more when configured, then ends it the next time', async () => {
    const lost = { workflowRunId: 515151, workflowRunUrl: 'https://example.invalid/runs/515151' };
    const task = await staleTask(['dispatch', 'run_started'], lost);
    const sweeper = deps({ SWEEP_LOST_RUN: 'redispatch' });

    expect(await sweepTasks(sweeper)).toMatchObject({ redispatched: 1, failed: 0 });
    const again = (await getTask(fixture.db.pool, task.id))!;
    expect(again).toMatchObject({ state: 'queued', attempt: 2, workflowRunId: null, errorCode: null });
    expect((await taskEvents(fixture.db.pool, task.id)).slice(-2)).toMatchObject([
      { type: 'fail', actor: SWEEPER },
      { type: 'retry', actor: SWEEPER },
    ]);
    expect(await jobKeys()).toContain(`start-queued:${fixture.repo.id}`);

    // The second attempt loses its run as well: no third attempt.
    for (const type of ['dispatch', 'run_started'] as const) {
      await transitionTask(fixture.db.pool, task.id, {
        type,
        actor: 'test',
        fields: { workflowRunId: 525252, workflowRunUrl: 'https://example.invalid/runs/525252' },
      });
    }
    await fixture.db.pool.query(`UPDATE tasks SET updated_at = now() - interval '1 hour' WHERE id = $1`, [
      task.id,
    ]);
    expect(await sweepTasks(sweeper)).toMatchObject({ redispatched: 0, failed: 1 });
    expect((await getTask(fixture.db.pool, task.id))!.state).toBe('failed');
  });

  it('gives a task stuck in publishing its publish job again, once', async () => {
    const task = await staleTask(['dispatch', 'run_started', 'result_received']);
    expect((await sweepTasks(deps())).requeued.publish).toBe(1);
    expect(await jobKeys()).toEqual([`publish:${task.id}:1`]);
    // Its job is pending now: the next sweep leaves it alone.
    await fixture.db.pool.query(`UPDATE tasks SET swept_at = NULL WHERE id = $1`, [task.id]);
    expect((await sweepTasks(deps())).requeued.publish).toBe(0);
    expect(await jobKeys()).toEqual([`publish:${task.id}:1`]);
    await transitionTask(fixture.db.pool, task.id, { type: 'fail', actor: 'test' });
  });

  it('queues the dispatch of a dispatched task whose dispatch job gave up, and starts queued tasks', async () => {
    const dispatched = await staleTask(['dispatch']);
    await fixture.db.pool.query(
      `SELECT graphile_worker.add_job('dispatch-task', json_build_object('taskId', $1::int, 'attempt', 1),
         job_key => $2, max_attempts => 1)`,
      [dispatched.id, `dispatch:${dispatched.id}:1`],
    );
    // The job used its last attempt (its process died): it will never run again by itself.
    await fixture.db.pool.query(`UPDATE graphile_worker._private_jobs SET attempts = max_attempts`);
    const queued = await staleTask([]);
    const report = await sweepTasks(deps());
    expect(report.requeued.dispatch).toBe(1);
    expect(report.startQueued).toBeGreaterThanOrEqual(1);
    const jobs = await fixture.db.pool.query(
      `SELECT key, attempts, max_attempts FROM graphile_worker.jobs WHERE key = $1`,
      [`dispatch:${dispatched.id}:1`],
    );
    expect(jobs.rows).toEqual([{ key: `dispatch:${dispatched.id}:1`, attempts: 0, max_attempts: 8 }]);
    expect(await jobKeys()).toContain(`start-queued:${queued.repoId}`);
    await transitionTask(fixture.db.pool, dispatched.id, { type: 'fail', actor: 'test' });
    await transitionTask(fixture.db.pool, queued.id, { type: 'fail', actor: 'test' });
  });

  it('queues again a recorded delivery whose processing job is gone', async () => {
    await fixture.db.pool.query(
      `INSERT INTO webhook_deliveries (delivery_id, event, payload, received_at)
       VALUES ('lost-delivery', 'issue_comment', '{}', now() - interval '1 hour')`,
    );
    await fixture.db.pool.query('DELETE FROM graphile_worker._private_jobs');
    expect((await sweepTasks(deps())).requeued.delivery).toBe(1);
    const jobs = await fixture.db.pool.query(
      `SELECT j.task_identifier, p.payload FROM graphile_worker.jobs j
         JOIN graphile_worker._private_jobs p USING (id) WHERE j.key = 'delivery:lost-delivery'`,
    );
    expect(jobs.rows).toEqual([
      { task_identifier: JOBS.processDelivery, payload: { deliveryId: 'lost-delivery' } },
    ]);
  });
});

describe('retention', () => {
  let fixture: GitHubFixture;
  beforeAll(async () => {
    fixture = await startGitHubFixture();
  }, 30_000);
  afterAll(async () => {
    await fixture?.close();
  });

  it('drops processed payloads after a week and old records after the retention period', async () => {
    const { pool } = fixture.db;
    await pool.query(
      `INSERT INTO webhook_deliveries (delivery_id, event, payload, received_at, processed_at, outcome) VALUES
         ('fresh', 'issue_comment', '{"a":1}', now(), now(), 'processed'),
         ('week-old', 'issue_comment', '{"a":1}', now() - interval '8 days', now() - interval '8 days', 'processed'),
         ('pending', 'issue_comment', '{"a":1}', now() - interval '8 days', NULL, 'pending'),
         ('ancient', 'issue_comment', NULL, now() - interval '40 days', now() - interval '40 days', 'processed')`,
    );
    await pool.query(
      `INSERT INTO github_effects (key, state, updated_at) VALUES
         ('recent', 'done', now()), ('old', 'done', now() - interval '40 days')`,
    );
    await pool.query(
      `INSERT INTO command_replies (delivery_id, repo_id, user_id, created_at) VALUES
         ('this-hour', 1, 1, now()), ('yesterday', 1, 1, now() - interval '2 days')`,
    );
    const report = await pruneRecords(pool, { deliveryPayloadDays: 7, recordDays: 30, transcriptDays: 30 });
    expect(report).toMatchObject({ payloads: 1, deliveries: 1, effects: 1, replies: 1 });
    const rows = await pool.query(
      `SELECT delivery_id, payload IS NOT NULL AS has_payload FROM webhook_deliveries ORDER BY delivery_id`,
    );
    expect(rows.rows).toEqual([
      { delivery_id: 'fresh', has_payload: true },
      { delivery_id: 'pending', has_payload: true },
      { delivery_id: 'week-old', has_payload: false },
    ]);
    const effects = await pool.query('SELECT key FROM github_effects ORDER BY key');
    expect(effects.rows).toEqual([{ key: 'recent' }]);
    const replies = await pool.query('SELECT delivery_id FROM command_replies');
    expect(replies.rows).toEqual([{ delivery_id: 'this-hour' }]);
  });

  it('drops transcript events after TRANSCRIPT_RETENTION_DAYS, and expired sessions and sign-ins', async () => {
    const { pool } = fixture.db;
    const task = await pool.query<{ id: string }>(
      `INSERT INTO tasks (installation_id, repo_id, repo_owner, repo_name, issue_number, is_pull_request,
         comment_kind, comment_id, requester_login, requester_id, command, prompt, engine, state)
       VALUES (1, 1, 'acme', 'widgets', 1, false, 'issue_comment', 9001, 'alice', 1, 'run', 'p', 'command', 'succeeded')
       RETURNING id`,
    );
    const taskId = task.rows[0]!.id;
    await pool.query(
      `INSERT INTO transcript_events (task_id, attempt, idx, kind, body, created_at) VALUES
         ($1, 1, 0, 'text', '{"kind":"text","text":"old"}', now() - interval '9 days'),
         ($1, 1, 1, 'text', '{"kind":"text","text":"new"}', now())`,
      [taskId],
    );
    await pool.query(
      `INSERT INTO web_sessions (id_hash, user_id, login, token_sealed, csrf_token, expires_at) VALUES
         ('live', 1, 'alice', 'x', 'c', now() + interval '1 hour'), ('gone', 1, 'alice', 'x', 'c', now() - interval '1 minute')`,
    );
    await pool.query(
      `INSERT INTO web_sign_ins (state_hash, code_verifier, return_to, created_at) VALUES
         ('fresh', 'v', '/', now()), ('stale', 'v', '/', now() - interval '1 hour')`,
    );
    const report = await pruneRecords(pool, { deliveryPayloadDays: 7, recordDays: 30, transcriptDays: 8 });
    expect(report).toMatchObject({ transcriptEvents: 1, signIn: 2 });
    const kept = await pool.query(`SELECT body->>'text' AS text FROM transcript_events WHERE task_id = $1`, [
      taskId,
    ]);
    expect(kept.rows).toEqual([{ text: 'new' }]);
    expect((await pool.query('SELECT id_hash FROM web_sessions')).rows).toEqual([{ id_hash: 'live' }]);
    expect((await pool.query('SELECT state_hash FROM web_sign_ins')).rows).toEqual([{ state_hash: 'fresh' }]);
  });
});

describe('queue worker liveness', () => {
  let fixture: GitHubFixture;
  beforeAll(async () => {
    fixture = await startGitHubFixture();
  }, 30_000);
  afterAll(async () => {
    await fixture?.close();
  });

  it('releases the jobs of a pool that stopped heartbeating, and leaves a live pool’s jobs locked', async () => {
    const { pool } = fixture.db;
    for (const key of ['dead-job', 'live-job']) {
      await pool.query(`SELECT graphile_worker.add_job('sync-feedback', '{}'::json, job_key => $1)`, [key]);
    }
    await heartbeat(pool, 'pool-live');
    await pool.query(
      `UPDATE graphile_worker._private_jobs
          SET locked_by = CASE key WHEN 'dead-job' THEN 'pool-dead' ELSE 'pool-live' END,
              locked_at = now() - interval '5 minutes', attempts = 1`,
    );
    // (A short stale period: the shared test server may have started moments ago.)
    expect(await releaseDeadWorkers(pool, 2_000)).toEqual(['pool-dead']);
    const jobs = await pool.query(`SELECT key, locked_by FROM graphile_worker.jobs ORDER BY key`);
    expect(jobs.rows).toEqual([
      { key: 'dead-job', locked_by: null },
      { key: 'live-job', locked_by: 'pool-live' },
    ]);
  });
});
