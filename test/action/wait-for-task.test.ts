import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdTokenRequester } from '../../action/src/github-runner/id-token.ts';
import type { Log } from '../../action/src/github-runner/workflow-commands.ts';
import { createRunnerApi } from '../../action/src/runner-api/runner-api-client.ts';
import { createTokenSource } from '../../action/src/runner-api/token-source.ts';
import { waitForTask } from '../../action/src/steps/wait-for-task.ts';
import { type RunnerApiPeer, specFor, startRunnerApiPeer } from './support/runner-api-peer.ts';
import { type RunnerCommands, readWorkflowCommands } from './support/runner-commands.ts';

const quiet: Log = { info() {}, warning() {}, error() {}, mask() {}, group() {}, endGroup() {} };
const change = { path: 'a', status: 'added', mode: '100644', content: '' } as const;
const report = {
  engine: 'command',
  engineVersion: null,
  model: null,
  turns: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
  durationMs: 1,
  exitCode: 0,
  summary: null,
  error: null,
};

let peer: RunnerApiPeer;
let runner: RunnerCommands;
afterEach(() => {
  runner?.restore();
  return peer.close();
});

async function setUp(states: string[]) {
  peer = await startRunnerApiPeer({
    taskId: 42,
    spec: specFor(42, 'c'.repeat(40)),
    statesAfterResult: states,
  });
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: peer.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: peer.oidc.requestToken,
  };
  // @actions/core's getIDToken reads the runner's variables from the process environment.
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  runner = readWorkflowCommands();
  const tokens = createTokenSource({ audience: peer.url, request: createIdTokenRequester(env), log: quiet });
  const api = createRunnerApi({ appUrl: peer.url, taskId: 42, tokens, log: quiet });
  await api.postResult({ outcome: 'completed', changes: [change], patch: '', report });
  // A clock that moves only when the waiter sleeps.
  let now = 0;
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    now += ms;
    slept.push(now);
  };
  const options = { timeoutMs: 10_000, intervalMs: 2_000, now: () => now, sleep, log: quiet };
  return { api, options, slept };
}

describe('waitForTask', () => {
  it('polls until the task reaches a terminal state', async () => {
    const { api, options, slept } = await setUp(['publishing', 'publishing', 'succeeded']);
    const status = await waitForTask(api, options);
    expect(status).toMatchObject({ state: 'succeeded', prUrl: 'https://github.example/acme/widgets/pull/8' });
    expect(slept).toHaveLength(2);
  });

  it('stops at its deadline with the last state it saw', async () => {
    const { api, options, slept } = await setUp(['publishing']);
    const status = await waitForTask(api, options);
    expect(status?.state).toBe('publishing');
    expect(slept.at(-1)).toBe(10_000);
  });

  it('stops at once when a pipeline step moved the task on (nothing to publish from this run)', async () => {
    const { api, options, slept } = await setUp(['awaiting_plan_approval', 'queued', 'succeeded']);
    const status = await waitForTask(api, options);
    expect(status?.state).toBe('awaiting_plan_approval');
    expect(slept).toHaveLength(0);
  });

  it('returns what it has when the App cannot be asked', async () => {
    const { api, options } = await setUp(['publishing', 'publishing', 'succeeded']);
    peer.script('/tasks/42', { status: 403, body: { error: { code: 'x', message: 'no' } } });
    expect(await waitForTask(api, options)).toBeNull();
  });
});
