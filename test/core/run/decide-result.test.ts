import { describe, expect, it } from 'vitest';
import type { JobResult } from '../../../src/contract/job-result.ts';
import { decideResult } from '../../../src/core/run/decide-result.ts';

const report = {
  engine: 'command',
  engineVersion: null,
  model: null,
  turns: 3,
  inputTokens: 10,
  outputTokens: 20,
  costUsd: 0.5,
  durationMs: 1000,
  exitCode: 0,
  summary: null,
  error: null,
};
const change = { path: 'a.txt', status: 'added' as const, mode: '100644' as const, content: 'YQ==' };
const result = (over: Partial<JobResult>, reportOver: Partial<JobResult['report']> = {}): JobResult => ({
  outcome: 'completed',
  changes: [change],
  patch: '',
  report: { ...report, ...reportOver },
  ...over,
});

describe('decideResult', () => {
  it.each([
    ['a completed change', result({}), 'result_received', null],
    ['a completed run without changes', result({ changes: [] }), 'no_changes', null],
    [
      'a failed engine',
      result({ outcome: 'failed' }, { exitCode: 2, error: 'boom' }),
      'fail',
      'engine_failed',
    ],
    [
      'a limit',
      result({ outcome: 'limit_reached' }, { error: 'the turn limit was reached.' }),
      'fail',
      'limit_reached',
    ],
    ['a timeout', result({ outcome: 'timed_out' }), 'timed_out', 'timed_out'],
  ] as const)('%s → %s', (_what, r, type, code) => {
    const decision = decideResult(r, { timeoutMinutes: 30 });
    expect(decision.type).toBe(type);
    expect(decision.fields.errorCode ?? null).toBe(code);
    expect(decision.fields.costUsd).toBe(0.5);
    expect(decision.fields.usage).toMatchObject({ turns: 3, inputTokens: 10, outputTokens: 20 });
  });

  it.each([
    [result({ outcome: 'failed' }, { exitCode: 2, error: 'boom' }), 'The agent failed (exit code 2): boom'],
    [result({ outcome: 'failed' }, { exitCode: null, error: null }), 'The agent failed: no reason given'],
    [
      result({ outcome: 'limit_reached' }, { error: 'the turn limit was reached.' }),
      'The agent was stopped at a limit: the turn limit was reached. Its partial work is kept with the task and was not published.',
    ],
    [
      result({ outcome: 'timed_out' }),
      'The agent was stopped at the 30-minute limit (`limits.timeout-minutes`). Its partial work (1 files) is kept with the task and was not published.',
    ],
  ])('explains %#', (r, message) => {
    expect(decideResult(r, { timeoutMinutes: 30 }).fields.errorMessage).toBe(message);
  });

  const token = `ghp_${'x9Y8'.repeat(9)}`;
  it.each([
    ['summary', result({}, { summary: `done; ${token}` })],
    ['error', result({ outcome: 'failed' }, { error: `boom ${token}` })],
    ['model', result({ changes: [] }, { model: token })],
  ] as const)('rejects a result whose report %s holds a credential, and never shows it', (field, r) => {
    const decision = decideResult(r, { timeoutMinutes: 30 });
    expect(decision.type).toBe('policy_rejected');
    expect(decision.fields.errorCode).toBe('policy_violation');
    expect(decision.fields.errorMessage).toContain(`\`(report) ${field}\` — **credential**`);
    expect(JSON.stringify(decision.fields)).not.toContain(token);
  });
});
