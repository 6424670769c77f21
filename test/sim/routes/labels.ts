// Repository labels and labels on issues (adding an unknown label creates it, as GitHub does).

import { labelJson } from '../serialize/issue.ts';
import { notFound, unprocessable } from '../server/http-error.ts';
import { paginate } from '../server/pagination.ts';
import { json, type Route } from '../server/route.ts';
import { addLabels, ensureLabel } from '../state/issues.ts';
import type { Label } from '../state/types.ts';
import { issueFrom } from './issues.ts';
import { readBody } from './read-body.ts';

const write = {
  kind: 'repo',
  permission: 'issues',
  level: 'write',
  or: 'pull_requests',
  userRole: 'triage',
} as const;

export const labelRoutes: Route[] = [
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/labels',
    access: { kind: 'repo', permission: 'issues', level: 'read', or: 'pull_requests' },
    handle(ctx) {
      const all = [...ctx.repo.labels.values()].sort((a, b) => a.name.localeCompare(b.name));
      const page = paginate(ctx, all);
      return json(
        200,
        page.items.map((label) => labelJson(ctx.core, ctx.repo, label)),
        page.headers,
      );
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/labels/{name}',
    access: { kind: 'repo', permission: 'issues', level: 'read', or: 'pull_requests' },
    handle(ctx) {
      const label = ctx.repo.labels.get((ctx.params.name ?? '').toLowerCase());
      if (!label) throw notFound();
      return json(200, labelJson(ctx.core, ctx.repo, label));
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/labels',
    access: write,
    creates: true,
    handle(ctx) {
      const body = readBody(ctx.body, 'Label');
      const name = body.string('name', { required: true });
      const color = body.string('color');
      const description = body.nullableString('description');
      body.done();
      if (ctx.repo.labels.has((name ?? '').toLowerCase())) {
        throw unprocessable('Validation Failed', [
          { resource: 'Label', code: 'already_exists', field: 'name' },
        ]);
      }
      const label = ensureLabel(ctx.core, ctx.repo, name ?? '', {
        color: (color ?? 'ededed').replace(/^#/, ''),
        description: description ?? null,
      });
      return json(201, labelJson(ctx.core, ctx.repo, label));
    },
  },
  {
    method: 'GET',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    access: { kind: 'repo', permission: 'issues', level: 'read', or: 'pull_requests' },
    handle(ctx) {
      const issue = issueFrom(ctx);
      const labels = issue.labelNames
        .map((name) => ctx.repo.labels.get(name.toLowerCase()))
        .filter((label): label is Label => label !== undefined);
      return json(
        200,
        labels.map((label) => labelJson(ctx.core, ctx.repo, label)),
      );
    },
  },
  {
    method: 'POST',
    path: '/repos/{owner}/{repo}/issues/{issue_number}/labels',
    access: write,
    creates: true,
    handle(ctx) {
      const issue = issueFrom(ctx);
      const body = readBody(ctx.body, 'Label');
      const names = body.stringArray('labels', { required: true });
      body.done();
      addLabels(ctx.core, ctx.repo, issue, names ?? []);
      const labels = issue.labelNames
        .map((name) => ctx.repo.labels.get(name.toLowerCase()))
        .filter((label): label is Label => label !== undefined);
      return json(
        200,
        labels.map((label) => labelJson(ctx.core, ctx.repo, label)),
      );
    },
  },
];
