import { Webhooks } from '@octokit/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/wait.ts';
import { webhookProblems } from './support/webhook-schemas.ts';
import { createWorld, SECRET, type World } from './support/world.ts';

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

let world: World;

beforeAll(async () => {
  world = await createWorld({}, { 'README.md': '# widgets\n', '.github/workflows/agent.yml': WORKFLOW });
  const { sim } = world;
  sim.setEnvironment('acme/widgets', 'agent', { protectionRuleApps: ['agent-dispatch'] });
  const issue = await sim.createIssue({
    repo: 'acme/widgets',
    user: 'carol',
    title: 'Fix it',
    body: 'Please',
  });
  const comment = await sim.createComment({
    repo: 'acme/widgets',
    issue: issue.number,
    user: 'maria',
    body: '/agent fix it',
  });
  await sim.editComment({ commentId: comment.id, user: 'maria', body: '/agent fix it now' });
  await sim.deleteComment({ commentId: comment.id, user: 'maria' });
  await sim.push({ repo: 'acme/widgets', branch: 'topic', user: 'maria', files: { 'a.txt': 'a\n' } });
  const pull = await sim.createPullRequest({
    repo: 'acme/widgets',
    user: 'maria',
    head: 'topic',
    title: 'Topic',
    body: 'Closes #1',
  });
  await sim.push({ repo: 'acme/widgets', branch: 'topic', user: 'maria', files: { 'b.txt': 'b\n' } });
  await sim.updatePullRequest({
    repo: 'acme/widgets',
    number: pull.number,
    user: 'maria',
    title: 'Topic, renamed',
  });
  await sim.submitReview({
    repo: 'acme/widgets',
    pull: pull.number,
    user: 'carol',
    state: 'APPROVED',
    body: 'LGTM',
  });
  const review = await sim.createReviewComment({
    repo: 'acme/widgets',
    pull: pull.number,
    user: 'carol',
    body: '/agent tidy',
    path: 'a.txt',
    line: 1,
  });
  await sim.editReviewComment({
    repo: 'acme/widgets',
    pull: pull.number,
    commentId: review.id,
    user: 'carol',
    body: '/agent tidy up',
  });
  await sim.updatePullRequest({ repo: 'acme/widgets', number: pull.number, user: 'maria', state: 'closed' });
  await sim.updatePullRequest({ repo: 'acme/widgets', number: pull.number, user: 'maria', state: 'open' });
  await sim.changeInstallationRepos(world.installationId, { add: ['acme/gadgets'], sender: 'maria' });
  await sim.changeInstallationRepos(world.installationId, { remove: ['acme/gadgets'], sender: 'maria' });
  const { runId } = await sim.dispatchWorkflow({
    repo: 'acme/widgets',
    user: 'maria',
    workflow: 'agent.yml',
    inputs: { task_id: '7' },
  });
  await waitUntil('the App is asked to judge the run', () =>
    world.receiver.received.some((r) => r.event === 'deployment_protection_rule'),
  );
  const token = sim.installationToken(world.installationId);
  await world
    .tokenOctokit(token)
    .request('POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule', {
      owner: 'acme',
      repo: 'widgets',
      run_id: runId,
      environment_name: 'agent',
      state: 'rejected',
      comment: 'not ours',
    });
  await sim.idle();
  await sim.uninstallApp(world.installationId);
}, 60_000);

afterAll(async () => {
  await world.close();
});

/** The schemas' enum of installation events predates `deployment_protection_rule`, which GitHub sends
 * in `installation.events` for an App subscribed to it; that one value is set aside before validation. */
function withoutSchemaLag(payload: Record<string, unknown>): Record<string, unknown> {
  const installation = payload.installation as { events?: string[] } | undefined;
  if (!installation?.events) return payload;
  return {
    ...payload,
    installation: {
      ...installation,
      events: installation.events.filter((e) => e !== 'deployment_protection_rule'),
    },
  };
}

const kinds = [
  ['installation', 'created'],
  ['installation', 'deleted'],
  ['installation_repositories', 'added'],
  ['installation_repositories', 'removed'],
  ['issues', 'opened'],
  ['issue_comment', 'created'],
  ['issue_comment', 'edited'],
  ['issue_comment', 'deleted'],
  ['pull_request', 'opened'],
  ['pull_request', 'synchronize'],
  ['pull_request', 'edited'],
  ['pull_request', 'closed'],
  ['pull_request', 'reopened'],
  ['pull_request_review', 'submitted'],
  ['pull_request_review_comment', 'created'],
  ['pull_request_review_comment', 'edited'],
  ['workflow_run', 'requested'],
  ['workflow_run', 'completed'],
  ['workflow_job', 'queued'],
  ['workflow_job', 'waiting'],
  ['workflow_job', 'completed'],
  ['deployment_protection_rule', 'requested'],
] as const;

describe('webhook deliveries', () => {
  it.each(kinds)(
    '%s.%s verifies with @octokit/webhooks and validates against the schema',
    async (event, action) => {
      const delivery = world.receiver.received.find((r) => r.event === event && r.action === action);
      expect(delivery, `${event}.${action} was delivered`).toBeDefined();
      if (!delivery) return;
      const verifier = new Webhooks({ secret: SECRET });
      expect(await verifier.verify(delivery.raw, delivery.headers['x-hub-signature-256'] ?? '')).toBe(true);
      expect(webhookProblems(event, action, withoutSchemaLag(delivery.payload))).toEqual([]);
    },
  );

  it('carries GitHub’s delivery headers', () => {
    const delivery = world.receiver.received.find((r) => r.event === 'issue_comment');
    expect(delivery?.headers).toMatchObject({
      'x-github-event': 'issue_comment',
      'x-github-hook-id': expect.stringMatching(/^\d+$/),
      'x-github-hook-installation-target-id': String(world.app.id),
      'x-github-hook-installation-target-type': 'integration',
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^GitHub-Hookshot\//),
      'x-hub-signature': expect.stringMatching(/^sha1=[0-9a-f]{40}$/),
    });
    expect(delivery?.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fills payloads from simulator state', () => {
    const created = world.receiver.received.find(
      (r) => r.event === 'issue_comment' && r.action === 'created',
    );
    expect(created?.payload).toMatchObject({
      comment: {
        body: '/agent fix it',
        user: { login: 'maria', type: 'User' },
        author_association: 'COLLABORATOR',
      },
      issue: { number: 1, title: 'Fix it' },
      repository: { full_name: 'acme/widgets' },
      sender: { login: 'maria' },
      installation: { id: world.installationId },
    });
    const rule = world.receiver.received.find((r) => r.event === 'deployment_protection_rule');
    expect(rule?.payload).toMatchObject({
      environment: 'agent',
      event: 'workflow_dispatch',
      deployment_callback_url: expect.stringContaining('/deployment_protection_rule'),
      deployment: { environment: 'agent' },
      installation: { id: world.installationId },
    });
    const requested = world.receiver.received.find(
      (r) => r.event === 'workflow_run' && r.action === 'requested',
    );
    expect(requested?.payload).toMatchObject({
      workflow_run: { display_title: 'Agent task 7', event: 'workflow_dispatch' },
    });
  });

  it('sends only the events the App subscribed to', () => {
    const events = new Set(world.receiver.received.map((r) => r.event));
    expect(events.has('push')).toBe(false);
    expect(
      [...events].every((event) =>
        ['installation', 'installation_repositories', ...kinds.map(([e]) => e)].includes(event),
      ),
    ).toBe(true);
  });
});
