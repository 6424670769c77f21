// Check runs: created and updated by the App that owns them, listed per commit.

import { resolveCommit } from '../git/objects.ts';
import { appJson } from '../serialize/apps.ts';
import { repoApi, repoHtml } from '../serialize/urls.ts';
import { HttpError, notFound } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, type Route, type RouteContext } from '../server/route.ts';
import { isoNow, nodeId } from '../state/ids.ts';
import type { CheckRun } from '../state/types.ts';
import { intParam, readBody } from './read-body.ts';

const statuses = ['queued', 'in_progress', 'completed', 'waiting', 'requested', 'pending'] as const;
const conclusions = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
] as const;

function checkRunJson(ctx: RouteContext, run: CheckRun) {
  const api = repoApi(ctx.core, ctx.repo);
  const app = ctx.core.store.apps.get(run.appId);
  const pulls = [...ctx.core.store.issues.values()].filter(
    (issue) => issue.repoId === ctx.repo.id && issue.pull?.headSha === run.headSha && issue.state === 'open',
  );
  const repoRef = { id: ctx.repo.id, url: api, name: ctx.repo.name };
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: run.externalId,
    url: `${api}/check-runs/${run.id}`,
    html_url: `${repoHtml(ctx.core, ctx.repo)}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotationsCount,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: app ? appJson(ctx.core, app) : null,
    pull_requests: pulls.map((issue) => ({
      id: issue.id,
      number: issue.number,
      url: `${api}/pulls/${issue.number}`,
      head: { ref: issue.pull?.headRef ?? '', sha: issue.pull?.headSha ?? '', repo: repoRef },
      base: { ref: issue.pull?.baseRef ?? '', sha: issue.pull?.baseSha ?? '', repo: repoRef },
    })),
  };
}

function applyFields(ctx: RouteContext, run: CheckRun, required: boolean) {
  const body = readBody(ctx.body, 'CheckRun');
  const name = body.string('name', { required });
  const headSha = body.string('head_sha', { required });
  const detailsUrl = body.string('details_url');
  const externalId = body.string('external_id');
  const status = body.oneOf('status', statuses);
  const conclusion = body.oneOf('conclusion', conclusions);
  const startedAt = body.string('started_at');
  const completedAt = body.string('completed_at');
  const output = body.object('output');
  body.done();
  const now = isoNow(ctx.core.clock.now());
  if (name !== undefined) run.name = name;
  if (headSha !== undefined) run.headSha = headSha;
  if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
  if (externalId !== undefined) run.externalId = externalId;
  if (status !== undefined) run.status = status;
  if (startedAt !== undefined) run.startedAt = startedAt;
  if (run.status === 'in_progress' && !run.startedAt) run.startedAt = now;
  if (conclusion !== undefined) {
    run.conclusion = conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed') {
    if (!run.conclusion)
      throw new HttpError(422, 'Conclusion is required when status is completed', { malformed: true });
    run.completedAt = completedAt ?? run.completedAt ?? now;
  }
  if (output) {
    if (typeof output.title === 'string') run.output.title = output.title;
    if (typeof output.summary === 'string') run.output.summary = output.summary;
    if (typeof output.text === 'string') run.output.text = output.text;
    if (Array.isArray(output.annotations)) run.output.annotationsCount += output.annotations.length;
  }
}

function callingAppId(ctx: RouteContext): number {
  if (ctx.principal.kind !== 'installation')
    throw new HttpError(403, 'You must authenticate via a GitHub App.');
  return ctx.principal.app.id;
}

const write = { kind: 'repo', permission: 'checks', level: 'write' } as const;
const read = { kind: 'repo', permission: 'checks', level: 'read' } as const;

export const checkRoutes: Route[] = [
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/check-runs',
    access: write,
    creates: true,
    async handle(ctx) {
      const appId = callingAppId(ctx);
      const id = ctx.core.store.ids.next('check');
      const run: CheckRun = {
        id,
        nodeId: nodeId('CheckRun', id),
        repoId: ctx.repo.id,
        appId,
        name: '',
        headSha: '',
        externalId: null,
        detailsUrl: null,
        status: 'queued',
        conclusion: null,
        startedAt: null,
        completedAt: null,
        output: { title: null, summary: null, text: null, annotationsCount: 0 },
        checkSuiteId: ctx.core.store.ids.next('checkSuite'),
      };
      applyFields(ctx, run, true);
      if (!run.startedAt) run.startedAt = isoNow(ctx.core.clock.now());
      if (!(await resolveCommit(ctx.repo.gitDir, run.headSha))) {
        throw new HttpError(422, `No commit found for SHA: ${run.headSha}`);
      }
      ctx.core.store.checkRuns.set(id, run);
      return json(201, checkRunJson(ctx, run));
    },
  },
  {
    method: 'PATCH',
    path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    access: write,
    handle(ctx) {
      const run = ctx.core.store.checkRuns.get(intParam(ctx.params.check_run_id));
      if (!run || run.repoId !== ctx.repo.id) throw notFound();
      if (run.appId !== callingAppId(ctx))
        throw new HttpError(
          403,
          'Invalid app_id `' +
            run.appId +
            '` - check run can only be modified by the GitHub App that created it.',
        );
      applyFields(ctx, run, false);
      return json(200, checkRunJson(ctx, run));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/check-runs/{check_run_id}',
    access: read,
    handle(ctx) {
      const run = ctx.core.store.checkRuns.get(intParam(ctx.params.check_run_id));
      if (!run || run.repoId !== ctx.repo.id) throw notFound();
      return json(200, checkRunJson(ctx, run));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    access: read,
    async handle(ctx) {
      const ref = ctx.params.ref ?? '';
      const sha =
        (await resolveCommit(ctx.repo.gitDir, `refs/heads/${ref}`)) ??
        (await resolveCommit(ctx.repo.gitDir, ref));
      if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
      const name = ctx.query.get('check_name');
      const status = ctx.query.get('status');
      const all = [...ctx.core.store.checkRuns.values()]
        .filter((run) => run.repoId === ctx.repo.id && run.headSha === sha)
        .filter((run) => !name || run.name === name)
        .filter((run) => !status || run.status === status)
        .sort((a, b) => b.id - a.id);
      const page = paginate(ctx, all);
      return json(
        200,
        { total_count: all.length, check_runs: page.items.map((run) => checkRunJson(ctx, run)) },
        page.headers,
      );
    },
  },
];
