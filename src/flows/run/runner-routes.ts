// The runner API (docs/runner-api.md): the only way a job talks to the App, authenticated only
// by the job's OIDC token.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { resultSchema } from '../../contract/job-result.ts';
import { progressEventSchema } from '../../contract/runner-messages.ts';
import { JOBS } from '../../core/task/follow-up-jobs.ts';
import type { Task } from '../../core/task/task.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { enqueue } from '../../queue/enqueue.ts';
import { appendTaskEvent, getTask, transitionTask, updateTaskFields } from '../../store/tasks.ts';
import { acceptResult } from './accept-result.ts';
import { type ActionsClaims, checkClaimsForTask, type createOidcVerifier } from './verify-oidc.ts';

export const RUNNER_API_PREFIX = '/api/runner/v1';
const MAX_RESULT_BODY_BYTES = 32 * 1024 * 1024;
const MAX_PROGRESS_EVENTS = 500;

export type RunnerRouteOptions = {
  pool: Db;
  log: Logger;
  verifyToken: ReturnType<typeof createOidcVerifier>;
  accepting(): boolean;
};

type ApiError = {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 425 | 429 | 503;
  code: string;
  message: string;
};

function fail(c: Context, error: ApiError) {
  // "Not yet" (the run id is being recorded): say when to ask again.
  if (error.status === 425) c.header('retry-after', '5');
  return c.json({ error: { code: error.code, message: error.message } }, error.status);
}

const LIVE_FOR_JOB = ['dispatched', 'waiting_approval', 'running'];

export function mountRunnerRoutes(app: Hono, options: RunnerRouteOptions): void {
  const { pool, log } = options;

  /** Authenticates the request and loads the task it may act on. */
  async function authorize(c: Context): Promise<{ task: Task; claims: ActionsClaims } | ApiError> {
    if (!options.accepting())
      return { status: 503, code: 'shutting_down', message: 'the App is restarting; retry' };
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0)
      return { status: 400, code: 'bad_task_id', message: 'bad task id' };
    const token = await options.verifyToken(c.req.header('authorization'));
    if (!token.ok) return { status: 401, code: 'bad_token', message: token.reason };
    const task = await getTask(pool, id);
    if (!task) return { status: 404, code: 'no_task', message: `task ${id} does not exist` };
    const check = checkClaimsForTask(token.claims, task);
    if (!check.ok) {
      log.warn({ taskId: id, reason: check.reason, runId: token.claims.run_id }, 'runner request refused');
      return {
        status: check.status,
        code: check.status === 425 ? 'run_not_recorded' : 'wrong_run',
        message: check.reason,
      };
    }
    return { task, claims: token.claims };
  }

  app.get(`${RUNNER_API_PREFIX}/tasks/:id/spec`, async (c) => {
    const auth = await authorize(c);
    if ('status' in auth) return fail(c, auth);
    let { task } = auth;
    if (!LIVE_FOR_JOB.includes(task.state) || !task.spec) {
      return fail(c, {
        status: 409,
        code: 'not_runnable',
        message: `task ${task.id} is ${task.state.replace(/_/g, ' ')}`,
      });
    }
    if (task.state !== 'running') {
      const moved = await transitionTask(pool, task.id, {
        type: 'run_started',
        actor: 'job',
        onlyFrom: ['dispatched', 'waiting_approval'],
        payload: { runId: task.workflowRunId, via: 'spec' },
      });
      if (moved.ok) task = moved.task;
    }
    log.info({ taskId: task.id, runId: task.workflowRunId }, 'spec served');
    return c.json(task.spec);
  });

  app.post(
    `${RUNNER_API_PREFIX}/tasks/:id/events`,
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => fail(c, { status: 413, code: 'too_large', message: 'event too large' }),
    }),
    async (c) => {
      const auth = await authorize(c);
      if ('status' in auth) return fail(c, auth);
      const { task } = auth;
      if (!LIVE_FOR_JOB.includes(task.state)) {
        return fail(c, { status: 409, code: 'not_running', message: `task ${task.id} is ${task.state}` });
      }
      const parsed = progressEventSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success)
        return fail(c, {
          status: 400,
          code: 'bad_event',
          message: parsed.error.issues[0]?.message ?? 'bad event',
        });
      const count = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM task_events WHERE task_id = $1 AND type = 'progress'`,
        [task.id],
      );
      if ((count.rows[0]?.n ?? 0) >= MAX_PROGRESS_EVENTS) {
        return fail(c, {
          status: 429,
          code: 'too_many_events',
          message: 'progress event limit reached for this task',
        });
      }
      const { type: _, ...progress } = parsed.data;
      await updateTaskFields(pool, task.id, { progress });
      await appendTaskEvent(pool, task.id, { type: 'progress', actor: 'job', payload: progress });
      // Debounced: one status comment update every few seconds at most.
      await enqueue(
        pool,
        JOBS.syncFeedback,
        { taskId: task.id },
        { jobKey: `feedback:${task.id}`, jobKeyMode: 'preserve_run_at', runAt: new Date(Date.now() + 5_000) },
      );
      return c.body(null, 204);
    },
  );

  app.post(
    `${RUNNER_API_PREFIX}/tasks/:id/result`,
    bodyLimit({
      maxSize: MAX_RESULT_BODY_BYTES,
      onError: (c) =>
        fail(c, {
          status: 413,
          code: 'too_large',
          message: `result larger than ${MAX_RESULT_BODY_BYTES} bytes`,
        }),
    }),
    async (c) => {
      const auth = await authorize(c);
      if ('status' in auth) return fail(c, auth);
      const parsed = resultSchema.safeParse(await c.req.json().catch(() => undefined));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return fail(c, {
          status: 400,
          code: 'bad_result',
          message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
        });
      }
      const outcome = await acceptResult(pool, auth.task.id, auth.task.workflowRunId!, parsed.data);
      if (!outcome.ok)
        return fail(c, { status: outcome.status, code: 'result_refused', message: outcome.reason });
      log.info(
        {
          taskId: auth.task.id,
          outcome: parsed.data.outcome,
          files: parsed.data.changes.length,
          state: outcome.state,
        },
        outcome.duplicate ? 'result posted again' : 'result accepted',
      );
      return c.json({ state: outcome.state });
    },
  );

  app.get(`${RUNNER_API_PREFIX}/tasks/:id`, async (c) => {
    const auth = await authorize(c);
    if ('status' in auth) return fail(c, auth);
    const { task } = auth;
    return c.json({ id: task.id, state: task.state, prUrl: task.prUrl, error: task.errorMessage });
  });
}
