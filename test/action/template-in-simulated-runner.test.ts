// The workflow template, run by the test suite's simulated runner with this repository as the
// action (the simulator maps the reference the template pins to it), against the protocol peer:
// prepare → checkout at the task's commit → run, outputs and summary included.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { executeJob } from '../sim/runner/execute-job.ts';
import { createBareRepo, jobOptions, type SeedRepo } from '../sim/runner/fixtures.ts';
import { ACTION_USES } from '../support/system.ts';
import { type RunnerApiPeer, specFor, startRunnerApiPeer } from './support/runner-api-peer.ts';

const ROOT = resolve(import.meta.dirname, '../..');

let repo: SeedRepo | undefined;
let peer: RunnerApiPeer | undefined;
afterEach(async () => {
  await peer?.close();
  if (repo) rmSync(repo.dir, { recursive: true, force: true });
});

async function templateJob(peer: RunnerApiPeer, repo: SeedRepo, edit: (yaml: string) => string = (y) => y) {
  const template = await readFile(join(ROOT, 'workflows-templates/agent.yml'), 'utf8');
  const options = jobOptions(edit(template), repo, {
    actions: { [ACTION_USES]: ROOT },
    oidc: peer.oidc,
  });
  options.context.inputs = { task_id: '42' };
  options.context.vars = { AGENT_DISPATCH_URL: peer.url };
  options.context.github = {
    ...options.context.github,
    event_name: 'workflow_dispatch',
    event: { inputs: { task_id: '42' } },
  };
  return options;
}

it("runs prepare, checkout of the task's commit and run, and the App receives the change", async () => {
  repo = createBareRepo({ 'README.md': '# widgets\n' });
  peer = await startRunnerApiPeer({
    taskId: 42,
    spec: specFor(42, repo.sha, {
      command: 'printf "hello\\n" > hello.txt; echo "Added hello.txt" > "$AGENT_SUMMARY_FILE"',
    }),
  });
  const options = await templateJob(peer, repo);

  const result = await executeJob(options);

  expect(result.conclusion, result.log).toBe('success');
  expect(result.outputs.task).toEqual({ sha: repo.sha, 'task-id': '42' });
  expect(peer.audiences.every((audience) => audience === peer?.url)).toBe(true);
  expect(peer.results).toHaveLength(1);
  expect(peer.results[0]).toMatchObject({
    outcome: 'completed',
    changes: [
      {
        path: 'hello.txt',
        status: 'added',
        mode: '100644',
        content: Buffer.from('hello\n').toString('base64'),
      },
    ],
  });
  expect(result.summary).toContain('| Pull request | [https://github.example/acme/widgets/pull/8]');
  for (const token of peer.issuedTokens) expect(result.log).not.toContain(token);
});

it("does not start the engine on a checkout that kept the job's token (persist-credentials left on)", async () => {
  repo = createBareRepo({ 'README.md': '# widgets\n' });
  peer = await startRunnerApiPeer({
    taskId: 42,
    spec: specFor(42, repo.sha, { command: 'git config --list > found-config.txt' }),
  });
  const token = 'ghs_jobTokenPersistedByCheckout';
  const options = await templateJob(peer, repo, (yaml) =>
    yaml.replace(/\n\s*persist-credentials: false/, ''),
  );
  options.context.secrets = { ...options.context.secrets, GITHUB_TOKEN: token };

  const result = await executeJob(options);

  expect(result.steps.find((s) => s.name.includes('actions/checkout'))?.details).toMatchObject({
    credentialsWritten: true,
  });
  expect(result.conclusion, result.log).toBe('failure');
  expect(peer.results).toHaveLength(1);
  expect(peer.results[0]).toMatchObject({ outcome: 'failed', changes: [] });
  expect(JSON.stringify(peer.results[0])).toContain('persist-credentials: false');
  expect(JSON.stringify(peer.results[0])).not.toContain(token);
  expect(result.log).toContain('The engine was not started');
});
