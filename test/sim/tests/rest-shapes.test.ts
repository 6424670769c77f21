import type { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppFromManifest } from '../state/manifests.ts';
import { openApiProblems } from './support/openapi.ts';
import { waitUntil } from './support/wait.ts';
import { createWorld, type World } from './support/world.ts';

const WORKFLOW = `name: Agent
run-name: Agent task \${{ inputs.task_id }}
on:
  workflow_dispatch:
    inputs:
      task_id: { required: true, type: string }
permissions: {}
jobs:
  agent:
    runs-on: ubuntu-latest
    environment: agent
    steps:
      - run: echo working
`;

type Call = {
  who: 'app' | 'installation' | 'maria' | 'maria-via-app';
  route: string;
  params?: () => Record<string, unknown>;
  status?: number;
};

let world: World;
const ids: Record<string, number | string> = {};
const base = { owner: 'acme', repo: 'widgets' };

beforeAll(async () => {
  world = await createWorld(
    {},
    { 'README.md': '# widgets\n', '.github/workflows/agent.yml': WORKFLOW, 'src/a.ts': 'a\n' },
  );
  const { sim } = world;
  sim.setEnvironment('acme/widgets', 'agent', { reviewers: ['maria'] });
  const issue = await sim.createIssue({ repo: 'acme/widgets', user: 'carol', title: 'Fix it' });
  ids.issue = issue.number;
  await sim.push({ repo: 'acme/widgets', branch: 'topic', user: 'maria', files: { 'b.txt': 'b\n' } });
  const pull = await sim.createPullRequest({
    repo: 'acme/widgets',
    user: 'maria',
    head: 'topic',
    title: 'Topic',
  });
  ids.pull = pull.number;
  ids.review = (
    await sim.submitReview({
      repo: 'acme/widgets',
      pull: pull.number,
      user: 'carol',
      state: 'COMMENTED',
      body: 'ok',
    })
  ).id;
  ids.reviewComment = (
    await sim.createReviewComment({
      repo: 'acme/widgets',
      pull: pull.number,
      user: 'carol',
      body: 'nit',
      path: 'b.txt',
      line: 1,
    })
  ).id;
  ids.head = (await sim.git.resolve('acme/widgets', 'main')) ?? '';
}, 60_000);

afterAll(async () => {
  await world.close();
});

function client(who: Call['who']): Octokit {
  if (who === 'app') return world.appOctokit;
  if (who === 'maria') return world.tokenOctokit(world.sim.userToken('maria'));
  if (who === 'maria-via-app') return world.tokenOctokit(world.sim.appUserToken('maria', 'agent-dispatch'));
  return world.installationOctokit();
}

const calls: Call[] = [
  { who: 'maria-via-app', route: 'GET /user' },
  { who: 'maria-via-app', route: 'GET /user/installations' },
  {
    who: 'maria-via-app',
    route: 'GET /user/installations/{installation_id}/repositories',
    params: () => ({ installation_id: world.installationId }),
  },
  { who: 'app', route: 'GET /app' },
  { who: 'app', route: 'GET /app/installations' },
  {
    who: 'app',
    route: 'GET /app/installations/{installation_id}',
    params: () => ({ installation_id: world.installationId }),
  },
  { who: 'app', route: 'GET /repos/{owner}/{repo}/installation', params: () => base },
  {
    who: 'app',
    route: 'POST /app/installations/{installation_id}/access_tokens',
    params: () => ({ installation_id: world.installationId, repositories: ['widgets'] }),
    status: 201,
  },
  { who: 'installation', route: 'GET /repos/{owner}/{repo}', params: () => base },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
    params: () => ({ ...base, username: 'maria' }),
  },
  { who: 'installation', route: 'GET /users/{username}', params: () => ({ username: 'maria' }) },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/issues',
    params: () => ({ ...base, title: 'New', labels: ['agent'] }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/issues/{issue_number}',
    params: () => ({ ...base, issue_number: ids.issue }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    params: () => ({ ...base, issue_number: ids.issue, body: 'Working on it' }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
    params: () => ({ ...base, issue_number: ids.issue }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/issues/comments/{comment_id}',
    params: () => ({ ...base, comment_id: ids.comment }),
  },
  {
    who: 'installation',
    route: 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}',
    params: () => ({ ...base, comment_id: ids.comment, body: 'Done' }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    params: () => ({ ...base, comment_id: ids.comment, content: 'eyes' }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions',
    params: () => ({ ...base, comment_id: ids.comment }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/reactions',
    params: () => ({ ...base, issue_number: ids.issue, content: 'rocket' }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/pulls/comments/{comment_id}/reactions',
    params: () => ({ ...base, comment_id: ids.reviewComment, content: '+1' }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/labels',
    params: () => ({ ...base, name: 'bug', color: 'ff0000' }),
    status: 201,
  },
  { who: 'installation', route: 'GET /repos/{owner}/{repo}/labels', params: () => base },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
    params: () => ({ ...base, issue_number: ids.issue, labels: ['bug', 'new-one'] }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}',
    params: () => ({ ...base, pull_number: ids.pull }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/pulls',
    params: () => ({ ...base, head: 'acme:topic' }),
  },
  {
    who: 'installation',
    route: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
    params: () => ({ ...base, pull_number: ids.pull, body: 'Edited' }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    params: () => ({ ...base, pull_number: ids.pull, reviewers: ['carol'] }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    params: () => ({ ...base, pull_number: ids.pull }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    params: () => ({ ...base, pull_number: ids.pull }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
    params: () => ({ ...base, pull_number: ids.pull, body: 'Looks right.', event: 'COMMENT' }),
    status: 200,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/pulls/comments/{comment_id}',
    params: () => ({ ...base, comment_id: ids.reviewComment }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/check-runs',
    params: () => ({ ...base, name: 'agent', head_sha: ids.head, status: 'in_progress' }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
    params: () => ({
      ...base,
      check_run_id: ids.check,
      conclusion: 'success',
      output: { title: 'Done', summary: 'ok' },
    }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/check-runs/{check_run_id}',
    params: () => ({ ...base, check_run_id: ids.check }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
    params: () => ({ ...base, ref: 'main' }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/git/blobs',
    params: () => ({ ...base, content: 'hi' }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
    params: () => ({ ...base, file_sha: ids.blob }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/git/trees',
    params: () => ({
      ...base,
      base_tree: ids.head,
      tree: [{ path: 'x.txt', mode: '100644', type: 'blob', sha: ids.blob }],
    }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
    params: () => ({ ...base, tree_sha: ids.tree, recursive: '1' }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/git/commits',
    params: () => ({ ...base, message: 'x', tree: ids.tree, parents: [ids.head] }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
    params: () => ({ ...base, commit_sha: ids.commit }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/git/refs',
    params: () => ({ ...base, ref: 'refs/heads/agent/x', sha: ids.commit }),
    status: 201,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
    params: () => ({ ...base, ref: 'heads/agent/x' }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/git/matching-refs/{ref}',
    params: () => ({ ...base, ref: 'heads/' }),
  },
  {
    who: 'installation',
    route: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
    params: () => ({ ...base, ref: 'heads/agent/x', sha: ids.head, force: true }),
  },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/pulls',
    params: () => ({ ...base, head: 'topic', base: 'main', title: 'dup?' }),
    status: 422,
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/contents/{path}',
    params: () => ({ ...base, path: 'src/a.ts' }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/branches/{branch}',
    params: () => ({ ...base, branch: 'main' }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/commits/{ref}',
    params: () => ({ ...base, ref: 'main' }),
  },
  { who: 'installation', route: 'GET /repos/{owner}/{repo}/actions/workflows', params: () => base },
  {
    who: 'installation',
    route: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    params: () => ({
      ...base,
      workflow_id: 'agent.yml',
      ref: 'main',
      inputs: { task_id: '1' },
      return_run_details: true,
    }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
    params: () => ({ ...base, run_id: ids.run }),
  },
  { who: 'installation', route: 'GET /repos/{owner}/{repo}/actions/runs', params: () => base },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
    params: () => ({ ...base, workflow_id: 'agent.yml' }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
    params: () => ({ ...base, run_id: ids.run }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}',
    params: () => ({ ...base, job_id: ids.job }),
  },
  {
    who: 'installation',
    route: 'GET /repos/{owner}/{repo}/environments/{environment_name}',
    params: () => ({ ...base, environment_name: 'agent' }),
  },
  {
    who: 'maria',
    route: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
    params: () => ({ ...base, run_id: ids.run }),
  },
  {
    who: 'maria',
    route: 'POST /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments',
    params: () => ({
      ...base,
      run_id: ids.run,
      environment_ids: [ids.environment],
      state: 'rejected',
      comment: 'no',
    }),
  },
  { who: 'app', route: 'GET /app/hook/deliveries' },
  { who: 'app', route: 'GET /app/hook/config' },
  {
    who: 'app',
    route: 'PATCH /app/hook/config',
    // `url` is Octokit's own option (the request's URL): the body goes in `data`.
    params: () => ({ data: { url: 'https://agents.example.com/api/github/webhooks' } }),
  },
  {
    who: 'maria',
    route: 'POST /app-manifests/{code}/conversions',
    params: () => ({
      code: createAppFromManifest(
        world.sim.core,
        { name: 'From a manifest', url: 'https://agents.example.com/' },
        'maria',
      ).code,
    }),
    status: 201,
  },
  {
    who: 'app',
    route: 'GET /app/hook/deliveries/{delivery_id}',
    params: () => ({ delivery_id: ids.delivery }),
  },
  {
    who: 'app',
    route: 'POST /app/hook/deliveries/{delivery_id}/attempts',
    params: () => ({ delivery_id: ids.delivery }),
    status: 202,
  },
];

/** Remembers ids from responses for the calls that follow. */
function remember(route: string, data: Record<string, unknown> | Record<string, unknown>[]) {
  const one = data as Record<string, unknown>;
  if (route === 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments') ids.comment = one.id as number;
  if (route === 'POST /repos/{owner}/{repo}/check-runs') ids.check = one.id as number;
  if (route === 'POST /repos/{owner}/{repo}/git/blobs') ids.blob = one.sha as string;
  if (route === 'POST /repos/{owner}/{repo}/git/trees') ids.tree = one.sha as string;
  if (route === 'POST /repos/{owner}/{repo}/git/commits') ids.commit = one.sha as string;
  if (route === 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches')
    ids.run = one.workflow_run_id as number;
  if (route === 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs')
    ids.job = (one.jobs as Array<{ id: number }>)[0]?.id ?? 0;
  if (route === 'GET /repos/{owner}/{repo}/environments/{environment_name}')
    ids.environment = one.id as number;
  if (route === 'GET /app/hook/deliveries') ids.delivery = (data as Array<{ id: number }>)[0]?.id ?? 0;
}

describe('REST responses', () => {
  it.each(calls)('$route answers as GitHub documents it', async ({ who, route, params, status }) => {
    if (route === 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs') {
      // The calls below review the job's deployment: it must be waiting at its environment.
      await waitUntil('the dispatched job to wait for its environment', () =>
        world.sim.jobs(Number(ids.run)).some((job) => job.status === 'waiting'),
      );
    }
    const response = await client(who)
      .request(route, params?.() ?? {})
      .catch((error: { status: number; response: { data: unknown } }) => ({
        status: error.status,
        data: error.response.data,
      }));
    expect(response.status).toBe(status ?? 200);
    remember(route, response.data as Record<string, unknown>);
    const [method = '', template = ''] = route.split(' ');
    expect(openApiProblems(method, template, response.status, response.data)).toEqual([]);
  });

  it('made no request the simulator did not expect', () => {
    expect(world.sim.unexpectedRequests()).toEqual([]);
  });
});
