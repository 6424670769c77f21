// GET /api/v1/tasks (filters, cursor pagination) and GET /api/v1/tasks/{id} (events, usage, links).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { TASK_STATES, type TaskState } from '../../core/task/task-states.ts';
import { attemptUsage, listTasks, taskEventsAfter } from '../../store/task-history.ts';
import { approvalsOf, stepRunsOf } from '../../store/task-steps.ts';
import { transcriptSummary } from '../../store/transcripts.ts';
import type { WebEnv } from '../authenticate.ts';
import { visibleRepoId, visibleRepoIds, visibleTask } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';
import { presentPipeline } from './pipeline-view.ts';
import {
  API_PREFIX,
  decodeCursor,
  encodeCursor,
  presentAttempt,
  presentEvent,
  presentSummary,
  usageTotal,
} from './present.ts';
import { answer, problems } from './respond.ts';
import { taskDetailSchema, taskListSchema } from './schemas.ts';

const DETAIL_EVENTS = 500;

export const taskIdParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .meta({ param: { name: 'id', in: 'path' }, example: 42 }),
});

const listQuery = z.object({
  repository: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, { error: 'must be owner/name' })
    .optional(),
  state: z
    .string()
    .optional()
    .describe(`One or more of ${TASK_STATES.join(', ')}, comma-separated.`),
  requester: z.string().max(39).optional(),
  engine: z.string().max(50).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe('Created at or after.'),
  until: z.iso.datetime({ offset: true }).optional().describe('Created before.'),
  q: z
    .string()
    .max(200)
    .optional()
    .describe(
      'Words in the prompt, issue title, requester or repository; a number also finds a task or issue.',
    ),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const listRoute = createRoute({
  method: 'get',
  path: '/tasks',
  summary: 'Tasks you can see, newest first',
  request: { query: listQuery },
  responses: {
    200: { description: 'One page of tasks', content: { 'application/json': { schema: taskListSchema } } },
    ...problems(400, 401, 404, 502),
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/tasks/{id}',
  summary: 'One task: its history, usage per attempt and links',
  request: { params: taskIdParams },
  responses: {
    200: { description: 'The task', content: { 'application/json': { schema: taskDetailSchema } } },
    ...problems(401, 404, 502),
  },
});

export function statesOf(text: string | undefined): TaskState[] | undefined {
  if (!text) return undefined;
  const states = text.split(',').map((s) => s.trim());
  const unknown = states.filter((s) => !(TASK_STATES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new AppError('bad_request', { reason: `state: unknown state ${unknown.join(', ')}` });
  return states as TaskState[];
}

export function mountTaskRoutes(api: OpenAPIHono<WebEnv>, deps: WebDeps): void {
  const urls = { publicUrl: deps.config.publicUrl, githubWebUrl: deps.config.web.githubWebUrl };

  api.openapi(listRoute, async (c) => {
    const viewer = c.get('viewer');
    const query = c.req.valid('query');
    const beforeId = decodeCursor(query.cursor);
    if (beforeId === 'invalid')
      throw new AppError('bad_request', { reason: 'cursor: not a cursor of this API' });
    const repoId = query.repository ? await visibleRepoId(deps, viewer, query.repository) : undefined;
    const rows = await listTasks(deps.pool, {
      repoIds: repoId === undefined ? await visibleRepoIds(deps, viewer) : undefined,
      repoId,
      states: statesOf(query.state),
      requester: query.requester,
      engine: query.engine,
      createdAfter: query.since ? new Date(query.since) : undefined,
      createdBefore: query.until ? new Date(query.until) : undefined,
      search: query.q,
      beforeId,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return answer(c, taskListSchema, {
      tasks: page.map((row) => presentSummary(urls, row)),
      nextCursor: more ? encodeCursor(page[page.length - 1]!.id) : null,
    }) as never;
  });

  api.openapi(detailRoute, async (c) => {
    const task = await visibleTask(deps, c.get('viewer'), c.req.valid('param').id);
    const [attempts, events, transcript, runs, approvals] = await Promise.all([
      attemptUsage(deps.pool, task.id),
      taskEventsAfter(deps.pool, task.id, 0, DETAIL_EVENTS),
      transcriptSummary(deps.pool, task.id),
      task.pipeline ? stepRunsOf(deps.pool, task.id) : [],
      task.pipeline ? approvalsOf(deps.pool, task.id) : [],
    ]);
    const summary = presentSummary(urls, task);
    const self = `${deps.config.publicUrl}${API_PREFIX}/tasks/${task.id}`;
    return answer(c, taskDetailSchema, {
      ...summary,
      issueTitle: task.issueTitle,
      prompt: task.prompt,
      approvedBy: task.approvedBy,
      branch: task.branch,
      pullRequestNumber: task.prNumber,
      workflowRunUrl: task.workflowRunUrl,
      progress: task.progress
        ? {
            turns: task.progress.turns ?? null,
            lastTool: task.progress.lastTool ?? null,
            message: task.progress.message ?? null,
          }
        : null,
      usage: { total: usageTotal(attempts), attempts: attempts.map(presentAttempt) },
      events: events.map(presentEvent),
      transcript,
      pipeline: presentPipeline(task, runs, approvals),
      links: {
        ...summary.links,
        events: `${self}/events`,
        transcript: `${self}/transcript`,
        run: task.workflowRunUrl,
        pullRequest: task.prUrl,
      },
    }) as never;
  });
}
