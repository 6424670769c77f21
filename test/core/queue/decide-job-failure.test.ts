import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/core/errors.ts';
import { decideJobFailure } from '../../../src/core/queue/decide-job-failure.ts';

const http = (status: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP ${status}`), { status, response: { headers } });

describe('decideJobFailure', () => {
  it.each([
    ['a wait for a write slot', [new Error('paced')], true, 1, 8, 'defer'],
    ['a network error on an early attempt', [new Error('ECONNRESET')], false, 1, 8, 'retry'],
    ['a network error on the last attempt', [new Error('ECONNRESET')], false, 8, 8, 'give_up (transient)'],
    ['a 502', [http(502)], false, 3, 8, 'retry'],
    [
      'a secondary rate limit (403 with retry-after)',
      [http(403, { 'retry-after': '30' })],
      false,
      2,
      8,
      'retry',
    ],
    ['a plain 403', [http(403)], false, 1, 8, 'give_up'],
    ['a 404', [http(404)], false, 1, 8, 'give_up'],
    [
      'a permanent AppError',
      [new AppError('workflow_missing', { workflow: 'a.yml', ref: 'main' })],
      false,
      1,
      8,
      'give_up',
    ],
    [
      'a transient AppError',
      [new AppError('dispatch_failed', { attempts: 1, reason: 'x' })],
      false,
      1,
      8,
      'retry',
    ],
    ['one transient error among several', [http(404), new Error('ECONNRESET')], false, 1, 8, 'retry'],
  ])('%s → %s', (_what, errors, waitsForSlot, attempt, maxAttempts, expected) => {
    const d = decideJobFailure({ errors, waitsForSlot, attempt, maxAttempts });
    expect(d.kind === 'give_up' && d.transient ? 'give_up (transient)' : d.kind).toBe(expected);
  });
});
