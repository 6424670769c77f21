// Hostile input: forged and misdirected OIDC tokens at the runner API. While a task's run waits at
// its environment gate, tokens with the wrong audience, issuer, expiry, algorithm, key, repository,
// run, workflow or event can neither read the task nor post a result: the task does not move and
// nothing is published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/core/task/task.ts';
import { type ActionsOidcClaims, createOidcIssuer, type MintOptions } from '../sim/oidc/issuer.ts';
import { type Stack, startStack } from '../support/stack.ts';
import { botComments, ended, expectOnly, type Footprint, footprint, REPO, taskOn } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
echo "hello" > hello.txt
`;

const RESULT = {
  outcome: 'completed',
  changes: [
    { path: 'planted.txt', status: 'added', mode: '100644', content: Buffer.from('x\n').toString('base64') },
  ],
  patch: '',
  report: { engine: 'command', summary: 'forged' },
};

describe('hostile OIDC tokens', () => {
  let stack: Stack;
  let task: Task;
  let claims: ActionsOidcClaims;
  let before: Footprint;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, users: { maria: 'write' } });
    stack.sim.setEnvironment(REPO, 'agent', { reviewers: ['maria'] });
    const issue = await stack.issue('Held at the gate');
    await stack.comment(issue, 'alice', '/agent add hello.txt');
    const created = await taskOn(stack, issue);
    task = await stack.waitForTask(
      (t) => t.id === created.id && t.state === 'waiting_approval',
      'the task to wait at the gate',
      60_000,
    );
    // (No settle here: the simulator is busy with the run held at the gate.)
    await stack.waitFor(
      async () => (await botComments(stack, issue)).some((b) => b.includes('environment gate')) || undefined,
      'the status comment to show the gate',
    );
    const run = stack.sim.runs(REPO).find((r) => r.id === task.workflowRunId)!;
    claims = {
      sub: 'repo:acme/widgets:environment:agent',
      repository: REPO,
      repository_id: String(stack.repo.id),
      repository_owner: 'acme',
      repository_owner_id: String(stack.sim.core.store.repos.get(stack.repo.id)!.ownerId),
      repository_visibility: 'private',
      run_id: String(run.id),
      run_number: String(run.runNumber),
      run_attempt: '1',
      workflow: 'Agent Dispatch',
      workflow_ref: `${REPO}/.github/workflows/agent.yml@refs/heads/main`,
      workflow_sha: run.headSha,
      job_workflow_ref: `${REPO}/.github/workflows/agent.yml@refs/heads/main`,
      job_workflow_sha: run.headSha,
      environment: 'agent',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      sha: run.headSha,
      actor: 'agent-dispatch[bot]',
      actor_id: '1',
      event_name: 'workflow_dispatch',
      runner_environment: 'github-hosted',
    };
    before = await footprint(stack);
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const issuer = () => stack.sim.core.actions.issuer!;

  async function call(token: string) {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const base = `${stack.app.url}/api/runner/v1/tasks/${task.id}`;
    const spec = await fetch(`${base}/spec`, { headers });
    const result = await fetch(`${base}/result`, { method: 'POST', headers, body: JSON.stringify(RESULT) });
    return {
      spec: {
        status: spec.status,
        body: (await spec.json()) as { error?: { code: string; message: string } },
      },
      result: {
        status: result.status,
        body: (await result.json()) as { error?: { code: string; message: string } },
      },
    };
  }

  const mint = (over: Partial<ActionsOidcClaims> = {}, options: MintOptions = {}, audience?: string) =>
    issuer().mint({ ...claims, ...over }, audience ?? stack.config.publicUrl, options);

  it.each<[string, () => Promise<string>, number, RegExp]>([
    ['the wrong audience', () => mint({}, {}, 'https://sts.amazonaws.com'), 401, /claim aud/],
    [
      'the wrong issuer',
      async () => {
        const other = await createOidcIssuer({ issuer: 'https://token.actions.evil.example' });
        return other.mint(claims, stack.config.publicUrl);
      },
      401,
      /unknown key|signature/,
    ],
    ['an expired token', () => mint({}, { expiresInSeconds: -120 }), 401, /expired/],
    ['a token not valid yet', () => mint({}, { notBeforeOffsetSeconds: 600 }), 401, /claim nbf/],
    ['alg none', () => mint({}, { alg: 'none' }), 401, /not allowed|signature or format/],
    [
      'HS256 signed with the public key',
      () => mint({}, { alg: 'HS256' }),
      401,
      /not allowed|signature or format/,
    ],
    ['an unknown key id', () => mint({}, { kid: 'not-a-published-key' }), 401, /unknown key/],
    ['a key that was never published', () => mint({}, { foreignKey: true }), 401, /signature or format/],
    ['another repository id', () => mint({ repository_id: '987654321' }), 403, /another repository/],
    ['another run id', () => mint({ run_id: '123456789' }), 403, /another workflow run/],
    [
      'another workflow',
      () => mint({ workflow_ref: `${REPO}/.github/workflows/deploy.yml@refs/heads/main` }),
      403,
      /another workflow/,
    ],
    [
      'another event',
      () => mint({ event_name: 'pull_request_target' }),
      403,
      /not from a workflow_dispatch run/,
    ],
  ])('refuses a token with %s and changes nothing', async (_what, token, status, reason) => {
    const answered = await call(await token());
    expect(answered.spec.status).toBe(status);
    expect(answered.spec.body.error?.message).toMatch(reason);
    expect(answered.result.status).toBe(status);
    const now = (await stack.tasks()).find((t) => t.id === task.id)!;
    expect(now.state).toBe('waiting_approval');
    const results = await stack.app.pool.query(
      'SELECT count(*)::int AS n FROM task_results WHERE task_id = $1',
      [task.id],
    );
    expect(results.rows[0].n).toBe(0);
  });

  it('published nothing for any of them, and the genuine run still completes', async () => {
    expectOnly(before, await footprint(stack));
    stack.sim.reviewDeployment({ runId: task.workflowRunId!, user: 'maria', state: 'approved' });
    const done = await ended(stack, task.id);
    await stack.settle();
    expect(done.state).toBe('succeeded');
    expect(await stack.sim.git.readFile(REPO, done.branch!, 'planted.txt')).toBeNull();
  }, 60_000);
});
