import { describe, expect, it } from 'vitest';
import {
  decideRunEnded,
  mayHaveStoppedAtGate,
  stoppedAtGate,
} from '../../../src/core/run/decide-run-ended.ts';

describe('stoppedAtGate', () => {
  it.each([
    [[{ conclusion: 'failure', runner_name: null, steps: [] }], true],
    [[{ conclusion: 'failure', runner_name: 'GitHub Actions 1', steps: [{}] }], false],
    [[{ conclusion: 'success', runner_name: null, steps: [] }], false],
    [
      [
        { conclusion: 'success', runner_name: 'GitHub Actions 1', steps: [{}] },
        { conclusion: 'failure', runner_name: null, steps: [] },
      ],
      true,
    ],
    [[], false],
  ])('%j → %s', (jobs, expected) => {
    expect(stoppedAtGate(jobs)).toBe(expected);
  });
});

describe('mayHaveStoppedAtGate', () => {
  it.each([
    ['dispatched', 'failure', true],
    ['waiting_approval', 'failure', true],
    ['running', 'failure', false],
    ['dispatched', 'cancelled', false],
    ['waiting_approval', 'success', false],
  ] as const)('a %s task whose run ended %s: %s', (state, conclusion, expected) => {
    expect(mayHaveStoppedAtGate(state, conclusion)).toBe(expected);
  });
});

describe('decideRunEnded', () => {
  const url = 'https://github.example/acme/widgets/actions/runs/9';
  it('rejects a task whose run was stopped at its gate, naming the environment', () => {
    expect(decideRunEnded({ conclusion: 'failure', url, environment: 'agent', stoppedAtGate: true })).toEqual(
      {
        type: 'reject',
        onlyFrom: ['dispatched', 'waiting_approval'],
        fields: {
          errorCode: 'gate_rejected',
          errorMessage: `The run was rejected at the \`agent\` environment gate, so the agent never ran. Run: ${url}`,
        },
      },
    );
  });

  it.each([
    ['failure', 'The workflow run ended with `failure` before the agent reported a result'],
    ['cancelled', 'The workflow run was cancelled before the agent reported a result'],
    ['success', 'The workflow run finished without reporting a result to Agent Dispatch'],
  ])('fails a task whose run ended %s without a result, with the logs', (conclusion, why) => {
    const decision = decideRunEnded({ conclusion, url, environment: 'agent', stoppedAtGate: false });
    expect(decision.type).toBe('fail');
    expect(decision.onlyFrom).toEqual(['dispatched', 'waiting_approval', 'running']);
    expect(decision.fields.errorCode).toBe('run_failed');
    expect(decision.fields.errorMessage).toContain(why);
    expect(decision.fields.errorMessage).toContain(`Logs: ${url}`);
  });
});
