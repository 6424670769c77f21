// Actions routes: workflows, workflow_dispatch, runs, jobs, job logs, cancel.

import { runPayloadJson } from '../actions/emit.ts';
import { findWorkflow, listWorkflows } from '../actions/workflow-files.ts';
import { jobJson, workflowJson } from '../serialize/actions.ts';
import { repoApi, repoHtml } from '../serialize/urls.ts';
import { HttpError, notFound } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, noContent, type Route, type RouteContext } from '../server/route.ts';
import type { Job, WorkflowRun } from '../state/actions-types.ts';
import { actorOf } from '../state/actor.ts';
import { filterRuns } from './actions-filters.ts';
import { intParam, readBody } from './read-body.ts';

const read = { kind: 'repo', permission: 'actions', level: 'read' } as const;
const write = { kind: 'repo', permission: 'actions', level: 'write' } as const;

export function runFrom(ctx: RouteContext): WorkflowRun {
  const run = ctx.core.store.runs.get(intParam(ctx.params.run_id));
  if (!run || run.repoId !== ctx.repo.id) throw notFound();
  return run;
}

function jobFrom(ctx: RouteContext): Job {
  const job = ctx.core.store.jobs.get(intParam(ctx.params.job_id));
  if (!job || job.repoId !== ctx.repo.id) throw notFound();
  return job;
}

async function runList(ctx: RouteContext, runs: WorkflowRun[]) {
  const filtered = filterRuns(ctx.core, runs, ctx.query);
  const page = paginate(ctx, filtered);
  const items = [];
  for (const run of page.items) items.push(await runPayloadJson(ctx.core, run));
  return json(200, { total_count: filtered.length, workflow_runs: items }, page.headers);
}

export const actionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/workflows',
    access: read,
    async handle(ctx) {
      const all = await listWorkflows(ctx.core, ctx.repo);
      const page = paginate(ctx, all);
      return json(
        200,
        { total_count: all.length, workflows: page.items.map((w) => workflowJson(ctx.core, w)) },
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}',
    access: read,
    async handle(ctx) {
      const workflow = await findWorkflow(ctx.core, ctx.repo, ctx.params.workflow_id ?? '');
      if (!workflow) throw notFound();
      return json(200, workflowJson(ctx.core, workflow));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    access: write,
    creates: true,
    async handle(ctx) {
      const body = readBody(ctx.body, 'WorkflowDispatch');
      const ref = body.string('ref', { required: true });
      const inputs = body.object('inputs') ?? {};
      const returnDetails = body.boolean('return_run_details') ?? false;
      body.done();
      const run = await ctx.core.actions.dispatch(ctx.repo, {
        workflowId: ctx.params.workflow_id ?? '',
        ref: ref ?? '',
        inputs,
        actorId: actorOf(ctx.core, ctx.principal).userId,
      });
      if (!returnDetails) return noContent();
      return json(200, {
        workflow_run_id: run.id,
        run_url: `${repoApi(ctx.core, ctx.repo)}/actions/runs/${run.id}`,
        html_url: `${repoHtml(ctx.core, ctx.repo)}/actions/runs/${run.id}`,
      });
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/runs',
    access: read,
    handle: (ctx) =>
      runList(
        ctx,
        [...ctx.core.store.runs.values()].filter((run) => run.repoId === ctx.repo.id),
      ),
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    access: read,
    async handle(ctx) {
      const workflow = await findWorkflow(ctx.core, ctx.repo, ctx.params.workflow_id ?? '');
      if (!workflow) throw notFound();
      return runList(
        ctx,
        [...ctx.core.store.runs.values()].filter((run) => run.workflowId === workflow.id),
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}',
    access: read,
    handle: async (ctx) => json(200, await runPayloadJson(ctx.core, runFrom(ctx))),
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}/cancel',
    access: write,
    handle(ctx) {
      const run = runFrom(ctx);
      if (run.status === 'completed')
        throw new HttpError(409, 'Cannot cancel a workflow run that is completed.');
      ctx.core.actions.cancel(run);
      return json(202, {});
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
    access: read,
    handle(ctx) {
      const run = runFrom(ctx);
      const jobs = run.jobIds
        .map((id) => ctx.core.store.jobs.get(id))
        .filter((job): job is Job => job !== undefined);
      const page = paginate(ctx, jobs);
      return json(
        200,
        { total_count: jobs.length, jobs: page.items.map((job) => jobJson(ctx.core, job, run)) },
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/jobs/{job_id}',
    access: read,
    handle(ctx) {
      const job = jobFrom(ctx);
      const run = ctx.core.store.runs.get(job.runId);
      if (!run) throw notFound();
      return json(200, jobJson(ctx.core, job, run));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/actions/jobs/{job_id}/logs',
    access: read,
    handle(ctx) {
      const job = jobFrom(ctx);
      const location = `${ctx.core.url}/_logs/jobs/${job.id}?token=${ctx.core.actions.logToken(job.id)}`;
      return { status: 302, headers: { location } };
    },
  },
];
