// The runner API (docs/runner-api.md): the only way a job talks to the App, authenticated only
// by the job's OIDC token. Each route authenticates, asks core/run for the rule, and answers;
// every refusal is an AppError with its code and status.
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { resultSchema } from '../../contract/job-result.ts';
import { progressEventSchema } from '../../contract/runner-messages.ts';
import { transcriptBatchSchema } from '../../contract/transcript.ts';
import { AppError } from '../../core/errors.ts';
import { withoutCredentials } from '../../core/policy/scan-credentials.ts';
import { checkClaimsForTask } from '../../core/run/check-claims.ts';
import { acceptsProgress, acceptsTranscript, answerSpec } from '../../core/run/runner-rules.ts';
import { feedbackJob } from '../../core/task/follow-up-jobs.ts';
import type { Task } from '../../core/task/task.ts';
import { cleanJson } from '../../core/text/well-formed.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { metrics } from '../../platform/metrics/metrics.ts';
import { addJob } from '../../store/jobs.ts';
import { appendTaskEvent, countTaskEvents } from '../../store/task-events.ts';
import { transitionTask, updateTaskFields } from '../../store/task-transitions.ts';
import { getTask } from '../../store/tasks.ts';
import { acceptResult } from './accept-result.ts';
import { takeTranscript } from './take-transcript.ts';
import type { createOidcVerifier } from './verify-oidc.ts';

export const RUNNER_API_PREFIX = '/api/runner/v1';
const MAX_RESULT_BODY_BYTES = 32 * 1024 * 1024;
const MAX_EVENT_BODY_BYTES = 64 * 1024;
const MAX_TRANSCRIPT_BODY_BYTES = 2 * 1024 * 1024;
/** Progress events refresh the status comment at most this often. */
const PROGRESS_DEBOUNCE_MS = 5_000;

export type RunnerRouteOptions = {
  pool: Db;
  log: Logger;
  verifyToken: ReturnType<typeof createOidcVerifier>;
  accepting(): boolean;
  /** Most transcript events kept per task (TRANSCRIPT_MAX_EVENTS). */
  transcriptCap: number;
};

function fail(c: Context, error: AppError) {
  // "Not yet" (the run id is being recorded): say when to ask again.
  if (error.code === 'run_not_recorded') c.header('retry-after', '5');
  return c.json({ error: { code: error.code, message: error.message } }, error.status);
}

function limitBody(maxSize: number, what: string) {
  return bodyLimit({ maxSize, onError: (c) => fail(c, new AppError('too_large', { what, limit: maxSize })) });
}

/**
 * The body, made storable (NUL and lone surrogates in any string become U+FFFD, so a summary
 * holding one cannot lose the job's result) and validated; the first problem named by its field.
 */
async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S> | AppError> {
  const cleaned = cleanJson(await c.req.json().catch(() => undefined));
  if (!cleaned.ok) return new AppError('bad_request', { reason: `body: ${cleaned.reason}` });
  const parsed = schema.safeParse(cleaned.value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return new AppError('bad_request', {
    reason: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
  });
}

export function mountRunnerRoutes(app: Hono, options: RunnerRouteOptions): void {
  const { pool, log } = options;

  /** Authenticates the request and loads the task it may act on. */
  async function authorize(c: Context): Promise<Task | AppError> {
    if (!options.accepting()) return new AppError('shutting_down', {});
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) return new AppError('bad_task_id', {});
    const token = await options.verifyToken(c.req.header('authorization'));
    if (!token.ok) return new AppError('bad_token', { reason: token.reason });
    const task = await getTask(pool, id);
    if (!task) return new AppError('no_task', { taskId: id });
    const refused = checkClaimsForTask(token.claims, task);
    if (refused) {
      log.warn({ taskId: id, reason: refused.message, runId: token.claims.run_id }, 'runner request refused');
      return refused;
    }
    return task;
  }

  async function serveSpec(c: Context) {
    const task = await authorize(c);
    if (task instanceof AppError) return fail(c, task);
    const answer = answerSpec(task);
    if (!answer.ok) return fail(c, answer.error);
    if (answer.startsRun) {
      await transitionTask(pool, task.id, {
        type: 'run_started',
        actor: 'job',
        onlyFrom: ['dispatched', 'waiting_approval'],
        payload: { runId: task.workflowRunId, via: 'spec' },
      });
    }
    log.info({ taskId: task.id, runId: task.workflowRunId }, 'spec served');
    return c.json(answer.spec);
  }

  async function takeProgress(c: Context) {
    const task = await authorize(c);
    if (task instanceof AppError) return fail(c, task);
    const refused = acceptsProgress(task, await countTaskEvents(pool, task.id, 'progress'));
    if (refused) return fail(c, refused);
    const event = await readBody(c, progressEventSchema);
    if (event instanceof AppError) return fail(c, event);
    // Shown in the status comment: a credential in it is dropped, never shown.
    const { type: _, ...progress } = withoutCredentials(event);
    await updateTaskFields(pool, task.id, { progress });
    await appendTaskEvent(pool, task.id, { type: 'progress', actor: 'job', payload: progress });
    // Debounced: one status comment update every few seconds at most.
    const job = feedbackJob(task.id);
    await addJob(pool, job.task, job.payload, {
      ...job.options,
      jobKeyMode: 'preserve_run_at',
      runAt: new Date(Date.now() + PROGRESS_DEBOUNCE_MS),
    });
    return c.body(null, 204);
  }

  async function takeResult(c: Context) {
    const task = await authorize(c);
    if (task instanceof AppError) return fail(c, task);
    const result = await readBody(c, resultSchema);
    if (result instanceof AppError) return fail(c, result);
    const outcome = await acceptResult(pool, task.id, task.workflowRunId!, result);
    if (!outcome.ok) return fail(c, new AppError('result_refused', { reason: outcome.reason }));
    if (!outcome.duplicate) {
      const { costUsd, inputTokens, outputTokens } = result.report;
      if (costUsd) metrics.engineCost.inc({ engine: task.engine }, costUsd);
      if (inputTokens) metrics.engineTokens.inc({ engine: task.engine, direction: 'input' }, inputTokens);
      if (outputTokens) metrics.engineTokens.inc({ engine: task.engine, direction: 'output' }, outputTokens);
    }
    log.info(
      { taskId: task.id, outcome: result.outcome, files: result.changes.length, state: outcome.state },
      outcome.duplicate ? 'result posted again' : 'result accepted',
    );
    return c.json({ state: outcome.state });
  }

  async function takeTranscriptBatch(c: Context) {
    const task = await authorize(c);
    if (task instanceof AppError) return fail(c, task);
    const batch = await readBody(c, transcriptBatchSchema);
    if (batch instanceof AppError) return fail(c, batch);
    const refused = acceptsTranscript(task, batch.attempt);
    if (refused) return fail(c, refused);
    return c.json(await takeTranscript(pool, log, task, batch, options.transcriptCap));
  }

  async function serveStatus(c: Context) {
    const task = await authorize(c);
    if (task instanceof AppError) return fail(c, task);
    return c.json({ id: task.id, state: task.state, prUrl: task.prUrl, error: task.errorMessage });
  }

  app.get(`${RUNNER_API_PREFIX}/tasks/:id/spec`, serveSpec);
  app.post(`${RUNNER_API_PREFIX}/tasks/:id/events`, limitBody(MAX_EVENT_BODY_BYTES, 'event'), takeProgress);
  app.post(`${RUNNER_API_PREFIX}/tasks/:id/result`, limitBody(MAX_RESULT_BODY_BYTES, 'result'), takeResult);
  app.post(
    `${RUNNER_API_PREFIX}/tasks/:id/transcript`,
    limitBody(MAX_TRANSCRIPT_BODY_BYTES, 'transcript batch'),
    takeTranscriptBatch,
  );
  app.get(`${RUNNER_API_PREFIX}/tasks/:id`, serveStatus);
}
