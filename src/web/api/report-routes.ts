// Who you are (GET /session), what you can see (GET /repositories), and what it cost and
// became of it (GET /usage, GET /outcomes).
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { OUTCOME_GROUPS, outcomesBy } from '../../store/pr-outcomes.ts';
import { USAGE_GROUPS, usageBy } from '../../store/usage.ts';
import { reposWithTasks } from '../../store/web-access.ts';
import type { WebEnv } from '../authenticate.ts';
import { visibleRepoIds, visibleRepos } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';
import { API_PREFIX } from './present.ts';
import { answer, problems } from './respond.ts';
import { outcomesSchema, repositoryListSchema, sessionSchema, usageSchema } from './schemas.ts';

const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const sessionRoute = createRoute({
  method: 'get',
  path: '/session',
  summary: 'Who you are signed in as, and the CSRF token for changes',
  responses: { 200: json(sessionSchema, 'The caller'), ...problems(401) },
});

const repositoriesRoute = createRoute({
  method: 'get',
  path: '/repositories',
  summary: 'Repositories where the App is installed and you have access (operators: every one with tasks)',
  responses: { 200: json(repositoryListSchema, 'Repositories'), ...problems(401, 502) },
});

const range = {
  from: z.iso.datetime({ offset: true }).optional().describe('Default: the start of this month (UTC).'),
  to: z.iso.datetime({ offset: true }).optional().describe('Default: now.'),
};

const usageRoute = createRoute({
  method: 'get',
  path: '/usage',
  summary: 'Cost, tokens and turns the jobs reported, rolled up',
  request: { query: z.object({ ...range, groupBy: z.enum(USAGE_GROUPS).default('repository') }) },
  responses: { 200: json(usageSchema, 'Usage'), ...problems(400, 401, 502) },
});

const outcomesRoute = createRoute({
  method: 'get',
  path: '/outcomes',
  summary:
    "What became of the agent's pull requests: merge rate, time to merge, cost per merged pull request",
  request: { query: z.object({ ...range, groupBy: z.enum(OUTCOME_GROUPS).default('engine') }) },
  responses: { 200: json(outcomesSchema, 'Outcomes'), ...problems(400, 401, 502) },
});

function rangeOf(query: { from?: string | undefined; to?: string | undefined }) {
  const now = new Date();
  const from = query.from
    ? new Date(query.from)
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = query.to ? new Date(query.to) : now;
  if (from >= to) throw new AppError('bad_request', { reason: 'from: must be before to' });
  return { from, to };
}

export function mountReportRoutes(api: OpenAPIHono<WebEnv>, deps: WebDeps): void {
  const base = `${deps.config.publicUrl}${API_PREFIX}`;

  api.openapi(sessionRoute, (c) => {
    const viewer = c.get('viewer');
    return answer(c, sessionSchema, {
      login: viewer.login,
      userId: viewer.userId,
      operator: viewer.operator,
      via: viewer.via,
      csrfToken: viewer.csrfToken ?? null,
    }) as never;
  });

  api.openapi(repositoriesRoute, async (c) => {
    const viewer = c.get('viewer');
    const own = await visibleRepos(deps, viewer);
    const repos = viewer.operator
      ? [...own, ...(await reposWithTasks(deps.pool)).filter((r) => !own.some((o) => o.id === r.id))]
      : own;
    return answer(c, repositoryListSchema, {
      repositories: repos.map((repo) => ({
        id: repo.id,
        fullName: `${repo.owner}/${repo.name}`,
        private: repo.private,
        installationId: repo.installationId,
        role: own.some((o) => o.id === repo.id) ? repo.role : null,
        links: { tasks: `${base}/tasks?repository=${encodeURIComponent(`${repo.owner}/${repo.name}`)}` },
      })),
    }) as never;
  });

  /** A roll-up over a time range, of the repositories the viewer can see. */
  async function report<G extends string, R>(
    c: Context<WebEnv>,
    query: { from?: string | undefined; to?: string | undefined; groupBy: G },
    rowsOf: (group: G, range: { from: Date; to: Date; repoIds: number[] | undefined }) => Promise<R[]>,
  ) {
    const { from, to } = rangeOf(query);
    const rows = await rowsOf(query.groupBy, {
      from,
      to,
      repoIds: await visibleRepoIds(deps, c.get('viewer')),
    });
    return { from: from.toISOString(), to: to.toISOString(), groupBy: query.groupBy, rows };
  }

  api.openapi(usageRoute, async (c) => {
    const body = await report(c, c.req.valid('query'), (group, range) => usageBy(deps.pool, group, range));
    return answer(c, usageSchema, body) as never;
  });

  api.openapi(outcomesRoute, async (c) => {
    const body = await report(c, c.req.valid('query'), (group, range) => outcomesBy(deps.pool, group, range));
    return answer(c, outcomesSchema, body) as never;
  });
}
