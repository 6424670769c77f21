import { describe, expect, it } from 'vitest';
import {
  decideRunSweep,
  jobNeedsRequeue,
  type RunOnGitHub,
} from '../../../src/core/reconcile/decide-sweep.ts';

const URL = 'https://github.example/acme/widgets/actions/runs/7';
const found = (status: string, conclusion: string | null = null): RunOnGitHub => ({
  kind: 'found',
  status,
  conclusion,
  htmlUrl: URL,
});

describe('decideRunSweep', () => {
  it('ends a task whose run vanished, with the logs link', () => {
    const decision = decideRunSweep({
      state: 'running',
      run: { kind: 'missing' },
      runUrl: URL,
      policy: 'fail',
      redispatched: false,
    });
    expect(decision).toEqual({
      kind: 'fail',
      message: expect.stringContaining(`no longer exists on GitHub`),
    });
    expect(decision.kind === 'fail' && decision.message).toContain(`Logs: ${URL}`);
  });

  it.each([
    ['success', /finished without reporting a result/],
    ['cancelled', /was cancelled before the agent reported/],
    ['failure', /ended with `failure` before the agent reported/],
  ])('ends a task whose run completed (%s) without reporting', (conclusion, message) => {
    const decision = decideRunSweep({
      state: 'running',
      run: found('completed', conclusion),
      runUrl: URL,
      policy: 'fail',
      redispatched: false,
    });
    expect(decision.kind).toBe('fail');
    expect(decision.kind === 'fail' && decision.message).toMatch(message);
  });

  it('dispatches once more when configured, and fails the second time', () => {
    const input = { state: 'running' as const, run: found('completed', 'failure'), runUrl: URL };
    expect(decideRunSweep({ ...input, policy: 'redispatch', redispatched: false }).kind).toBe('redispatch');
    expect(decideRunSweep({ ...input, policy: 'redispatch', redispatched: true }).kind).toBe('fail');
  });

  it.each([
    ['dispatched', 'in_progress', 'run_started'],
    ['waiting_approval', 'in_progress', 'run_started'],
    ['dispatched', 'waiting', 'gate_waiting'],
  ] as const)('catches a %s task up with a run that is %s', (state, status, transition) => {
    expect(
      decideRunSweep({ state, run: found(status), runUrl: URL, policy: 'fail', redispatched: false }),
    ).toEqual({ kind: 'advance', transition });
  });

  it.each([
    ['running', 'in_progress'],
    ['dispatched', 'queued'],
    ['waiting_approval', 'waiting'],
  ] as const)('leaves a %s task alone while its run is %s', (state, status) => {
    expect(
      decideRunSweep({ state, run: found(status), runUrl: URL, policy: 'fail', redispatched: false }),
    ).toEqual({ kind: 'none' });
  });
});

describe('jobNeedsRequeue', () => {
  it.each([
    ['no job', undefined, true],
    ['a job that gave up', { lockedAt: null, attempts: 8, maxAttempts: 8 }, true],
    ['a job waiting for its next attempt', { lockedAt: null, attempts: 3, maxAttempts: 8 }, false],
    ['a running job', { lockedAt: new Date(), attempts: 8, maxAttempts: 8 }, false],
  ])('%s: %s', (_, job, requeue) => {
    expect(jobNeedsRequeue(job)).toBe(requeue);
  });
});
