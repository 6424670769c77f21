import { describe, expect, it } from 'vitest';
import { decideTaskLimit } from '../../../src/core/task/decide-task-limit.ts';

const oldest = new Date('2026-12-01T10:00:00Z');

describe('decideTaskLimit', () => {
  it.each([
    ['no limit', { count: 99, oldest }, undefined, true],
    ['below the limit', { count: 2, oldest }, 3, true],
    ['at the limit', { count: 3, oldest }, 3, false],
    ['no task yet with a limit of 0', { count: 0, oldest: null }, 0, true],
  ])('%s → allowed: %s', (_what, recent, perHour, allowed) => {
    expect(decideTaskLimit(recent, perHour).allowed).toBe(allowed);
  });

  it('says when the oldest task of the hour frees a slot', () => {
    expect(decideTaskLimit({ count: 3, oldest }, 3)).toEqual({
      allowed: false,
      limit: 3,
      retryAt: new Date('2026-12-01T11:00:00Z'),
    });
  });
});
