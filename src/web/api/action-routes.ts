// POST /api/v1/tasks/{id}/{cancel|retry|approve|reject|replan}: the comment commands' rules, through the
// same flow (flows/command/act-on-task.ts), recorded with the actor and `via: api`.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { TaskAction } from '../../flows/command/act-on-task.ts';
import { actAsViewer } from '../act-as-viewer.ts';
import type { WebEnv } from '../authenticate.ts';
import type { WebDeps } from '../web-deps.ts';
import { presentSummary } from './present.ts';
import { answer, problems } from './respond.ts';
import { actionAnswerSchema, actionBodySchema } from './schemas.ts';
import { taskIdParams } from './task-routes.ts';

const ACTIONS: Record<TaskAction, string> = {
  cancel: 'Cancel a task that is running or waiting (write access, or your own task)',
  retry: 'Run a failed, cancelled or timed-out task again as a new attempt (write access)',
  approve:
    'Approve a task waiting for approval (write access; never your own request), or the plan a pipeline task waits on (its exact content; the requester may approve their own plan)',
  reject: 'Reject a task waiting for approval (write access)',
  replan:
    'Ask a pipeline task waiting on its plan for a new plan (`reason` is the feedback); the new plan needs a new approval',
};

function actionRoute(action: TaskAction) {
  return createRoute({
    method: 'post',
    path: `/tasks/{id}/${action}`,
    summary: ACTIONS[action],
    request: {
      params: taskIdParams,
      body: { content: { 'application/json': { schema: actionBodySchema } }, required: false },
    },
    responses: {
      200: {
        description: 'The task after the change',
        content: { 'application/json': { schema: actionAnswerSchema } },
      },
      ...problems(400, 401, 403, 404, 409, 502),
    },
  });
}

export function mountActionRoutes(api: OpenAPIHono<WebEnv>, deps: WebDeps): void {
  const urls = { publicUrl: deps.config.publicUrl, githubWebUrl: deps.config.web.githubWebUrl };
  for (const action of Object.keys(ACTIONS) as TaskAction[]) {
    api.openapi(actionRoute(action), async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { reason?: unknown };
      const reason = typeof body.reason === 'string' ? body.reason : undefined;
      const task = await actAsViewer(deps, c.get('viewer'), c.req.valid('param').id, action, {
        reason,
        via: 'api',
      });
      return answer(c, actionAnswerSchema, { task: presentSummary(urls, task) }) as never;
    });
  }
}
