// The runner-API client against a peer that speaks the documented protocol over real HTTP.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionError } from '../../action/src/action-error.ts';
import { createIdTokenRequester } from '../../action/src/github-runner/id-token.ts';
import type { Log } from '../../action/src/github-runner/workflow-commands.ts';
import { AppRefusal, classifyAppFailure } from '../../action/src/runner-api/app-refusal.ts';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../../action/src/runner-api/retry.ts';
import { createRunnerApi } from '../../action/src/runner-api/runner-api-client.ts';
import type { TaskResult } from '../../action/src/runner-api/task-result.ts';
import { createTokenSource } from '../../action/src/runner-api/token-source.ts';
import { type RunnerApiPeer, specFor, startRunnerApiPeer } from './support/runner-api-peer.ts';
import { type RunnerCommands, readWorkflowCommands } from './support/runner-commands.ts';

const SHA = 'a'.repeat(40);
const quiet: Log = { info() {}, warning() {}, error() {}, mask() {}, group() {}, endGroup() {} };

let peer: RunnerApiPeer;
let runner: RunnerCommands;

function client() {
  const waits: number[] = [];
  const masked: string[] = [];
  const log = { ...quiet, mask: (value: string) => masked.push(value) };
  const env = {
    ACTIONS_ID_TOKEN_REQUEST_URL: peer.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: peer.oidc.requestToken,
  };
  // @actions/core's getIDToken reads the runner's variables from the process environment.
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  runner = readWorkflowCommands();
  // A clock that moves only when the client waits.
  let clock = 0;
  const retry = {
    sleep: async (ms: number) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    now: () => clock,
  };
  const tokens = createTokenSource({ audience: peer.url, request: createIdTokenRequester(env), log, retry });
  const api = createRunnerApi({ appUrl: peer.url, taskId: 42, tokens, log, retry });
  return { api, waits, masked };
}

const apiCalls = () => peer.requests.filter((r) => r.path.startsWith('/api/'));

const result: TaskResult = {
  outcome: 'completed',
  changes: [{ path: 'hello.txt', status: 'added', mode: '100644', content: 'aGkK' }],
  patch: 'diff --git a/hello.txt b/hello.txt\n',
  report: {
    engine: 'command',
    engineVersion: null,
    model: null,
    turns: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    durationMs: 10,
    exitCode: 0,
    summary: null,
    error: null,
  },
};

describe('runner API client', () => {
  beforeEach(async () => {
    peer = await startRunnerApiPeer({ taskId: 42, spec: specFor(42, SHA) });
  });
  afterEach(() => {
    runner?.restore();
    return peer.close();
  });

  it('fetches the spec with an OIDC token whose audience is the App URL, and masks the token', async () => {
    const { api, masked } = client();
    const spec = await api.getSpec();
    expect(spec.checkout.sha).toBe(SHA);
    expect(peer.audiences).toEqual([peer.url]);
    expect(apiCalls()[0]?.authorization).toBe(`Bearer ${peer.issuedTokens[0]}`);
    expect(masked).toEqual(peer.issuedTokens);
    // @actions/core masks it too, on the runner's channel (stdout), not in the suite's output.
    expect(runner.masked()).toEqual(peer.issuedTokens);
  });

  it.each([
    ['503', { status: 503, body: { error: { code: 'busy', message: 'shutting down' } } }],
    ['425', { status: 425, body: { error: { code: 'run_unknown', message: 'retry after a second' } } }],
    ['429', { status: 429 }],
    ['500', { status: 500 }],
    ['a dropped connection', 'drop' as const],
  ])('retries after %s and then succeeds', async (_label, answer) => {
    peer.script('/spec', answer, answer);
    const { api, waits } = client();
    await api.getSpec();
    expect(apiCalls()).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Infinity); // exponential
  });

  it('honours Retry-After', async () => {
    peer.script('/spec', { status: 429, headers: { 'retry-after': '7' } });
    const { api, waits } = client();
    await api.getSpec();
    expect(waits).toEqual([7000]);
  });

  it.each([
    [400, 'bad_request'],
    [401, 'bad_token'],
    [403, 'wrong_run'],
    [404, 'no_task'],
    [409, 'cancelled'],
    [413, 'too_large'],
  ])("does not retry %i and shows the App's message", async (status, code) => {
    peer.script('/spec', { status, body: { error: { code, message: `the App says ${code}` } } });
    const { api, waits } = client();
    const error = await api.getSpec().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppRefusal);
    expect((error as AppRefusal).status).toBe(status);
    expect((error as Error).message).toContain(`the App says ${code}`);
    expect((error as Error).message).toContain('GET /api/runner/v1/tasks/42/spec');
    expect(apiCalls()).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('gives up after a bounded number of tries', async () => {
    peer.script('/result', ...Array.from({ length: 20 }, () => ({ status: 503 })));
    const { api, waits } = client();
    const error = await api.postResult(result).catch((e: unknown) => e);
    expect((error as AppRefusal).status).toBe(503);
    expect(apiCalls()).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(waits).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts - 1);
  });

  it('keeps asking while the App has not recorded the run (425), beyond the try limit', async () => {
    const notYet = {
      status: 425,
      headers: { 'retry-after': '5' },
      body: { error: { code: 'run_not_recorded', message: 'retry shortly' } },
    };
    peer.script('/spec', ...Array.from({ length: 15 }, () => notYet));
    const { api, waits } = client();
    const spec = await api.getSpec();
    expect(spec.task.id).toBe(42);
    expect(apiCalls()).toHaveLength(16);
    expect(waits.every((ms) => ms >= 5000)).toBe(true);
  });

  it('gives up on 425 once its patience is spent, then within the try limit', async () => {
    const notYet = {
      status: 425,
      headers: { 'retry-after': '5' },
      body: { error: { code: 'run_not_recorded', message: 'retry shortly' } },
    };
    peer.script('/spec', ...Array.from({ length: 200 }, () => notYet));
    const { api, waits } = client();
    const error = await api.getSpec().catch((e: unknown) => e);
    expect((error as AppRefusal).status).toBe(425);
    // Five minutes of "not yet", then the ordinary six tries.
    expect(apiCalls().length).toBeGreaterThan(DEFAULT_RETRY_POLICY.maxAttempts + 10);
    const waited = waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(DEFAULT_RETRY_POLICY.patienceMs);
    expect(waited).toBeLessThan(
      DEFAULT_RETRY_POLICY.patienceMs + DEFAULT_RETRY_POLICY.maxAttempts * DEFAULT_RETRY_POLICY.maxDelayMs,
    );
  });

  it('posts the result once, and the same result again gets the same answer', async () => {
    const { api } = client();
    expect(await api.postResult(result)).toEqual({ state: 'publishing' });
    expect(await api.postResult(result)).toEqual({ state: 'publishing' });
    expect(peer.results).toEqual([result]);
  });

  it('reads the task state and pull request URL', async () => {
    const { api } = client();
    await api.postResult(result);
    expect(await api.getTask()).toEqual({
      id: 42,
      state: 'succeeded',
      prUrl: 'https://github.example/acme/widgets/pull/8',
      error: null,
    });
  });

  it('reuses a token with time left and asks for a fresh one near expiry', async () => {
    const { api } = client();
    await api.getSpec();
    await api.getTask();
    expect(peer.issuedTokens).toHaveLength(1);

    await peer.close();
    peer = await startRunnerApiPeer({ taskId: 42, spec: specFor(42, SHA), tokenLifetimeSeconds: 30 });
    const short = client();
    await short.api.getSpec();
    await short.api.getTask();
    expect(peer.issuedTokens).toHaveLength(2);
    expect(new Set(apiCalls().map((r) => r.authorization)).size).toBe(2);
  });

  it("retries the runner's token service on 5xx but not when the job lacks id-token: write", async () => {
    peer.script('/_oidc/token', { status: 502 });
    const { api } = client();
    await api.getSpec();
    expect(peer.requests.filter((r) => r.path === '/_oidc/token')).toHaveLength(2);

    const tokens = createTokenSource({ audience: peer.url, request: createIdTokenRequester({}), log: quiet });
    const error = await tokens.get().catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('no-id-token');
    expect((error as Error).message).toContain('id-token: write');
  });

  it('refuses a spec for another task', async () => {
    await peer.close();
    peer = await startRunnerApiPeer({ taskId: 42, spec: specFor(41, SHA) });
    const error = await client()
      .api.getSpec()
      .catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('bad-spec');
    expect((error as Error).message).toContain('task.id is 41 but this job runs task 42');
  });
});

describe('backoff', () => {
  it('waits between half and all of an exponential step, capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const step = Math.min(
            DEFAULT_RETRY_POLICY.maxDelayMs,
            DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (attempt - 1),
          );
          const delay = backoffDelayMs(attempt, DEFAULT_RETRY_POLICY, () => r);
          return delay >= Math.floor(step / 2) && delay <= step;
        },
      ),
    );
  });

  it('never waits longer than the policy allows for a Retry-After', () => {
    expect(backoffDelayMs(1, DEFAULT_RETRY_POLICY, () => 0, 3_600_000)).toBe(
      DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    );
  });

  it.each([
    ['5', 5000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:00:10 GMT', 10_000],
    ['soon', undefined],
    [null, undefined],
  ])('reads Retry-After %j', (value, expected) => {
    expect(parseRetryAfter(value, Date.parse('2026-01-01T00:00:00Z'))).toBe(expected);
  });
});

describe('which failures are retried', () => {
  it.each([
    ['a 503', new AppRefusal(503, 'busy', 'down', 2000), { retry: true, retryAfterMs: 2000, notYet: false }],
    ['a 425', new AppRefusal(425, 'run_not_recorded', 'not yet'), { retry: true, notYet: true }],
    ['a 404', new AppRefusal(404, 'not_found', 'gone'), { retry: false }],
    ['any other error', new Error('bug'), { retry: false }],
  ])('%s: %j', (_what, error, decision) => {
    expect(classifyAppFailure(error)).toMatchObject(decision);
  });
});
