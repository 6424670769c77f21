import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/wait.ts';
import { webhookProblems } from './support/webhook-schemas.ts';
import { createWorld, type World } from './support/world.ts';

const AGENT_WORKFLOW = `name: Agent
run-name: Agent task \${{ inputs.task_id }}
on:
  workflow_dispatch:
    inputs:
      task_id: { required: true, type: string }
      mode: { required: false, type: choice, options: [fast, slow], default: fast }
permissions: {}
jobs:
  agent:
    runs-on: ubuntu-latest
    environment: agent
    permissions:
      contents: read
      id-token: write
    steps:
      - name: Needs the environment secret
        env:
          KEY: \${{ secrets.AGENT_KEY }}
        run: test -n "$KEY" && echo "secret is here"
      - name: Asks for an OIDC token
        run: |
          curl -sf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=https://app.example" > token.json
          node -e 'console.log("oidc=" + JSON.parse(require("fs").readFileSync("token.json", "utf8")).value)'
`;

const GATED_BY_APP = `name: Gated
on: workflow_dispatch
jobs:
  work:
    runs-on: ubuntu-latest
    environment: app-gated
    steps:
      - run: echo "ran the gated job"
`;

const PLAIN = `name: Plain
on:
  push:
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`;

let world: World;
const repo = { owner: 'acme', repo: 'widgets' };

beforeAll(async () => {
  world = await createWorld(
    {},
    {
      'README.md': '# widgets\n',
      '.github/workflows/agent.yml': AGENT_WORKFLOW,
      '.github/workflows/gated.yml': GATED_BY_APP,
      '.github/workflows/plain.yml': PLAIN,
    },
  );
  world.sim.setEnvironment('acme/widgets', 'agent', {
    reviewers: ['maria'],
    preventSelfReview: true,
    secrets: { AGENT_KEY: 'k-123' },
  });
  world.sim.setEnvironment('acme/widgets', 'app-gated', { protectionRuleApps: ['agent-dispatch'] });
}, 60_000);

afterAll(async () => {
  await world.close();
});

function runEvents(runId: number) {
  return world.receiver.received
    .filter((r) => {
      const run = r.payload.workflow_run as { id?: number } | undefined;
      const job = r.payload.workflow_job as { run_id?: number } | undefined;
      return run?.id === runId || job?.run_id === runId;
    })
    .map((r) => `${r.event}.${r.action}`);
}

async function dispatch(workflow: string, inputs: Record<string, string> = {}) {
  const { data, status } = await world
    .installationOctokit()
    .request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...repo,
      workflow_id: workflow,
      ref: 'main',
      inputs,
      return_run_details: true,
    });
  expect(status).toBe(200);
  return (data as unknown as { workflow_run_id: number }).workflow_run_id;
}

function run(runId: number) {
  const found = world.sim.runs('acme/widgets').find((candidate) => candidate.id === runId);
  if (!found) throw new Error(`no run ${runId}`);
  return found;
}

describe('workflow_dispatch', () => {
  it('answers with the run id and URLs, and titles the run from run-name', async () => {
    const runId = await dispatch('agent.yml', { task_id: '41' });
    const { data } = await world
      .installationOctokit()
      .rest.actions.getWorkflowRun({ ...repo, run_id: runId });
    expect(data).toMatchObject({
      id: runId,
      display_title: 'Agent task 41',
      event: 'workflow_dispatch',
      head_branch: 'main',
    });
    const { data: list } = await world
      .installationOctokit()
      .rest.actions.listWorkflowRuns({ ...repo, workflow_id: 'agent.yml', event: 'workflow_dispatch' });
    expect(list.workflow_runs.map((r) => r.display_title)).toContain('Agent task 41');
    await world.installationOctokit().rest.actions.cancelWorkflowRun({ ...repo, run_id: runId });
    await waitUntil('the cancelled run completes', () => run(runId).status === 'completed');
    expect(run(runId).conclusion).toBe('cancelled');
  });

  it.each([
    ['an unknown input', 'agent.yml', { task_id: '1', extra: 'x' }, 422],
    ['a missing required input', 'agent.yml', {}, 422],
    ['a value outside a choice', 'agent.yml', { task_id: '1', mode: 'warp' }, 422],
    ['a workflow without workflow_dispatch', 'plain.yml', {}, 422],
    ['an unknown workflow', 'nope.yml', {}, 404],
  ])('refuses %s', async (_name, workflow, inputs, status) => {
    const error = await world
      .installationOctokit()
      .rest.actions.createWorkflowDispatch({ ...repo, workflow_id: workflow, ref: 'main', inputs })
      .catch((caught: { status: number }) => caught);
    expect(error).toMatchObject({ status });
  });

  it('answers 204 without return_run_details', async () => {
    const response = await world
      .installationOctokit()
      .rest.actions.createWorkflowDispatch({ ...repo, workflow_id: 'gated.yml', ref: 'main' });
    expect(response.status).toBe(204);
    const latest = world.sim.runs('acme/widgets').at(-1);
    if (latest) world.sim.core.actions.cancel(latest);
    await world.sim.idle();
  });
});

describe('a job gated by required reviewers', () => {
  it('waits until a reviewer approves, then runs with the environment secret and an OIDC token', async () => {
    const runId = await dispatch('agent.yml', { task_id: '42' });
    await waitUntil('the job waits', () => world.sim.jobs(runId)[0]?.status === 'waiting');
    expect(run(runId).status).toBe('waiting');
    const maria = world.tokenOctokit(world.sim.userToken('maria'));
    const { data: pending } = await maria.rest.actions.getPendingDeploymentsForRun({
      ...repo,
      run_id: runId,
    });
    expect(pending).toMatchObject([
      {
        environment: { name: 'agent' },
        current_user_can_approve: true,
        reviewers: [{ reviewer: { login: 'maria' } }],
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(run(runId).status).toBe('waiting');

    await maria.rest.actions.reviewPendingDeploymentsForRun({
      ...repo,
      run_id: runId,
      environment_ids: [pending[0]?.environment.id ?? 0],
      state: 'approved',
      comment: 'go',
    });
    await waitUntil('the run completes', () => run(runId).status === 'completed');
    await world.sim.idle();
    expect(run(runId).conclusion).toBe('success');
    expect(runEvents(runId)).toEqual([
      'workflow_run.requested',
      'workflow_job.queued',
      'workflow_job.waiting',
      'workflow_run.in_progress',
      'workflow_job.in_progress',
      'workflow_job.completed',
      'workflow_run.completed',
    ]);
    for (const received of world.receiver.received.filter(
      (r) => runEvents(runId).length > 0 && r.event.startsWith('workflow_'),
    )) {
      expect(webhookProblems(received.event, received.action, received.payload)).toEqual([]);
    }

    const job = world.sim.jobs(runId)[0];
    const logs = await world
      .installationOctokit()
      .rest.actions.downloadJobLogsForWorkflowRun({ ...repo, job_id: job?.id ?? 0 });
    const text = String(logs.data);
    expect(text).toContain('secret is here');
    const token = /oidc=(eyJ[\w-]+\.[\w-]+\.[\w-]+)/.exec(text)?.[1] ?? '';
    const jwks = createRemoteJWKSet(new URL(`${world.sim.oidcIssuerUrl}/.well-known/jwks`));
    const { payload } = await jwtVerify(token, jwks, {
      issuer: world.sim.oidcIssuerUrl,
      audience: 'https://app.example',
    });
    expect(payload).toMatchObject({
      repository: 'acme/widgets',
      run_id: String(runId),
      environment: 'agent',
      event_name: 'workflow_dispatch',
      workflow_ref: 'acme/widgets/.github/workflows/agent.yml@refs/heads/main',
    });
  });

  it('does not let the person who dispatched approve when the environment prevents self-review', async () => {
    const { runId } = await world.sim.dispatchWorkflow({
      repo: 'acme/widgets',
      user: 'maria',
      workflow: 'agent.yml',
      inputs: { task_id: '43' },
    });
    await waitUntil('the job waits', () => world.sim.jobs(runId)[0]?.status === 'waiting');
    const maria = world.tokenOctokit(world.sim.userToken('maria'));
    const { data: pending } = await maria.rest.actions.getPendingDeploymentsForRun({
      ...repo,
      run_id: runId,
    });
    expect(pending[0]?.current_user_can_approve).toBe(false);
    const error = await maria.rest.actions
      .reviewPendingDeploymentsForRun({
        ...repo,
        run_id: runId,
        environment_ids: [pending[0]?.environment.id ?? 0],
        state: 'approved',
        comment: 'me',
      })
      .catch((caught: { status: number }) => caught);
    expect(error).toMatchObject({ status: 422 });
    expect(run(runId).status).toBe('waiting');
    world.sim.core.actions.cancel(run(runId));
    await waitUntil('the run completes', () => run(runId).status === 'completed');
  });

  it('lets no installation token approve a pending deployment', async () => {
    const runId = await dispatch('agent.yml', { task_id: '44' });
    await waitUntil('the job waits', () => world.sim.jobs(runId)[0]?.status === 'waiting');
    const error = await world
      .installationOctokit()
      .rest.actions.reviewPendingDeploymentsForRun({
        ...repo,
        run_id: runId,
        environment_ids: [1],
        state: 'approved',
        comment: 'x',
      })
      .catch((caught: { status: number }) => caught);
    expect(error).toMatchObject({ status: 403 });
    await world.tokenOctokit(world.sim.userToken('maria')).rest.actions.reviewPendingDeploymentsForRun({
      ...repo,
      run_id: runId,
      environment_ids: [
        world.sim.core.store.gates.get(world.sim.jobs(runId)[0]?.id ?? 0)?.environmentId ?? 0,
      ],
      state: 'rejected',
      comment: 'no',
    });
    await waitUntil('the run completes', () => run(runId).status === 'completed');
    expect(run(runId).conclusion).toBe('failure');
    expect(world.sim.jobs(runId)[0]?.steps).toEqual([]);
  });
});

describe('a job gated by the App’s deployment protection rule', () => {
  async function reviewAsApp(runId: number, state: 'approved' | 'rejected') {
    return world
      .installationOctokit()
      .request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        ...repo,
        run_id: runId,
        environment_name: 'app-gated',
        state,
        comment: state,
      });
  }

  it('sends deployment_protection_rule to the App and proceeds only on its approval', async () => {
    const runId = await dispatch('gated.yml');
    await waitUntil('the App is asked', () =>
      world.receiver.received.some(
        (r) =>
          r.event === 'deployment_protection_rule' &&
          String((r.payload.deployment_callback_url as string) ?? '').includes(`/runs/${runId}/`),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(run(runId).status).toBe('waiting');
    expect((await reviewAsApp(runId, 'approved')).status).toBe(204);
    await waitUntil('the run completes', () => run(runId).status === 'completed');
    expect(run(runId).conclusion).toBe('success');
    expect(world.sim.jobs(runId)[0]?.log).toContain('ran the gated job');
    const second = await reviewAsApp(runId, 'approved').catch((caught: { status: number }) => caught);
    expect(second).toMatchObject({ status: 422 });
  });

  it('completes the run as failed, without running the job, when the App rejects', async () => {
    const runId = await dispatch('gated.yml');
    await waitUntil('the job waits', () => world.sim.jobs(runId)[0]?.status === 'waiting');
    await reviewAsApp(runId, 'rejected');
    await waitUntil('the run completes', () => run(runId).status === 'completed');
    await world.sim.idle();
    expect(run(runId).conclusion).toBe('failure');
    expect(world.sim.jobs(runId)[0]?.log).not.toContain('ran the gated job');
    expect(runEvents(runId)).toEqual([
      'workflow_run.requested',
      'workflow_job.queued',
      'workflow_job.waiting',
      'workflow_job.completed',
      'workflow_run.completed',
    ]);
  });

  it('refuses a review from an App the rule does not name', async () => {
    const other = world.sim.registerApp({
      slug: 'intruder',
      permissions: { deployments: 'write', actions: 'read' },
    });
    const { id } = await world.sim.installApp({
      app: 'intruder',
      account: 'acme',
      repositories: ['widgets'],
    });
    const runId = await dispatch('gated.yml');
    await waitUntil('the job waits', () => world.sim.jobs(runId)[0]?.status === 'waiting');
    const error = await world
      .tokenOctokit(world.sim.installationToken(id))
      .request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
        ...repo,
        run_id: runId,
        environment_name: 'app-gated',
        state: 'approved',
      })
      .catch((caught: { status: number }) => caught);
    expect(error).toMatchObject({ status: 403 });
    expect(other.slug).toBe('intruder');
    await reviewAsApp(runId, 'rejected');
    await world.sim.idle();
  });
});
