import { describe, expect, it } from 'vitest';
import { decideReply } from '../../../src/core/feedback/decide-reply.ts';

describe('decideReply', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  const at = (minutesAgo: number) => new Date(now.getTime() - minutesAgo * 60_000);
  const recent = [
    { deliveryId: 'a', at: at(50) },
    { deliveryId: 'b', at: at(20) },
  ];

  it.each([
    ['no reply yet this hour', [], 'x', 3, { allowed: true, last: false, record: true }, now],
    ['a free slot', recent, 'x', 4, { allowed: true, last: false, record: true }, at(50)],
    ['the last free slot', recent, 'x', 3, { allowed: true, last: true, record: true }, at(50)],
    ['no slot left', recent, 'x', 2, { allowed: false, record: false }, at(50)],
    [
      'a retry of a delivery that holds a slot',
      recent,
      'b',
      2,
      { allowed: true, last: true, record: false },
      at(50),
    ],
  ])('%s', (_what, rows, deliveryId, perHour, expected, oldest) => {
    const decision = decideReply(rows, deliveryId, perHour, now);
    expect(decision).toMatchObject(expected);
    expect(decision.resetAt).toEqual(new Date(oldest.getTime() + 3_600_000));
  });
});
