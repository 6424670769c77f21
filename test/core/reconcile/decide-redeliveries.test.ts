import { describe, expect, it } from 'vitest';
import {
  type DeliveryAttempt,
  decideRedeliveries,
  MAX_REDELIVERY_REQUESTS,
} from '../../../src/core/reconcile/decide-redeliveries.ts';

const at = new Date('2026-01-01T00:00:00Z');
const attempt = (id: number, guid: string, statusCode: number): DeliveryAttempt => ({
  id,
  guid,
  statusCode,
  deliveredAt: at,
  event: 'issue_comment',
  action: 'created',
});
const wanted = () => true;

describe('decideRedeliveries', () => {
  it('asks again for failed deliveries that never arrived, oldest first', () => {
    const decided = decideRedeliveries({
      attempts: [attempt(3, 'c', 0), attempt(1, 'a', 503), attempt(2, 'b', 202)],
      received: new Set(),
      previous: new Map(),
      wanted,
    });
    expect(decided).toEqual([
      { guid: 'a', attemptId: 1, event: 'issue_comment' },
      { guid: 'c', attemptId: 3, event: 'issue_comment' },
    ]);
  });

  it('skips a delivery that arrived although GitHub recorded a failure (a slow answer)', () => {
    expect(
      decideRedeliveries({
        attempts: [attempt(1, 'a', 0)],
        received: new Set(['a']),
        previous: new Map(),
        wanted,
      }),
    ).toEqual([]);
  });

  it('skips a delivery one of whose attempts succeeded', () => {
    expect(
      decideRedeliveries({
        attempts: [attempt(1, 'a', 503), attempt(5, 'a', 200)],
        received: new Set(),
        previous: new Map(),
        wanted,
      }),
    ).toEqual([]);
  });

  it('asks only once while the redelivery it asked for has not failed', () => {
    expect(
      decideRedeliveries({
        attempts: [attempt(1, 'a', 503)],
        received: new Set(),
        previous: new Map([['a', { lastAttemptId: 1, requests: 1 }]]),
        wanted,
      }),
    ).toEqual([]);
  });

  it('asks again for the newest attempt when the redelivery failed too, a bounded number of times', () => {
    const attempts = [attempt(1, 'a', 503), attempt(9, 'a', 0)];
    expect(
      decideRedeliveries({
        attempts,
        received: new Set(),
        previous: new Map([['a', { lastAttemptId: 1, requests: 1 }]]),
        wanted,
      }),
    ).toEqual([{ guid: 'a', attemptId: 9, event: 'issue_comment' }]);
    expect(
      decideRedeliveries({
        attempts,
        received: new Set(),
        previous: new Map([['a', { lastAttemptId: 1, requests: MAX_REDELIVERY_REQUESTS }]]),
        wanted,
      }),
    ).toEqual([]);
  });

  it('leaves alone lost deliveries the App would ignore anyway', () => {
    const edited = { ...attempt(1, 'a', 503), action: 'edited' };
    expect(
      decideRedeliveries({
        attempts: [edited, attempt(2, 'b', 503)],
        received: new Set(),
        previous: new Map(),
        wanted: (_event, action) => action === 'created',
      }).map((r) => r.guid),
    ).toEqual(['b']);
  });
});
