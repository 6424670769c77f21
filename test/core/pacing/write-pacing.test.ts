import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isContentCreating,
  type Lane,
  laneOf,
  lanesFor,
  type PacingLimits,
  type PacingState,
  pacingFor,
  pauseFromAnswer,
  reserveSlot,
  slotWait,
} from '../../../src/core/pacing/write-pacing.ts';

/** The most sends inside any half-open window [t, t + windowMs). */
function busiestWindow(sends: number[], windowMs: number): number {
  const sorted = [...sends].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** Requests made at the given times, each sent at its reserved slot (plus a delay). */
function schedule(arrivals: number[], limits: PacingLimits, delays: number[] = []) {
  const pacing = pacingFor(limits);
  let state: PacingState = { minuteTat: 0, hourTat: 0, pausedUntil: null };
  return [...arrivals]
    .sort((a, b) => a - b)
    .map((at, i) => {
      const reservation = reserveSlot(state, at, pacing);
      state = reservation.next;
      return reservation.sendAt + (delays[i] ?? 0);
    });
}

describe('write pacing (pure)', () => {
  it('turns the defaults into a burst of 10 and one request a second, and 450 in any hour', () => {
    const pacing = pacingFor({ perMinute: 60, burst: 10, perHour: 450 });
    expect(pacing.minute).toEqual({ intervalMs: 1000, toleranceMs: 9000 });
    expect(pacing.hour).toEqual({ intervalMs: 10_000, toleranceMs: 890_000 });
  });

  it('lets a burst through at once, then spaces the rest', () => {
    const sends = schedule(
      Array.from({ length: 15 }, () => 1_000_000),
      { perMinute: 60, burst: 10, perHour: 10_000 },
    );
    expect(sends.slice(0, 10)).toEqual(Array(10).fill(1_000_000));
    expect(sends.slice(10).map((s) => s - 1_000_000)).toEqual([1000, 2000, 3000, 4000, 5000]);
  });

  it('keeps 200 simultaneous requests at or under the per-minute cap in every 60 s window', () => {
    const sends = schedule(
      Array.from({ length: 200 }, () => 0),
      { perMinute: 60, burst: 10, perHour: 100_000 },
    );
    expect(busiestWindow(sends, 60_000)).toBeLessThanOrEqual(70);
    expect(busiestWindow(sends, 60_000)).toBeGreaterThanOrEqual(69);
  });

  it('keeps any arrival pattern within burst + rate per minute and the hourly cap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 * 3_600_000 }), { minLength: 1, maxLength: 700 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 5, max: 600 }),
        (arrivals, perMinute, burst, perHour) => {
          const sends = schedule(arrivals, { perMinute, burst, perHour });
          expect(busiestWindow(sends, 60_000)).toBeLessThanOrEqual(perMinute + burst);
          expect(busiestWindow(sends, 3_600_000)).toBeLessThanOrEqual(perHour);
          sends.forEach((sendAt, i) => {
            expect(sendAt).toBeGreaterThanOrEqual([...arrivals].sort((a, b) => a - b)[i]!);
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds every request until a pause GitHub asked for is over', () => {
    const pacing = pacingFor({ perMinute: 60, burst: 10, perHour: 450 });
    const paused: PacingState = { minuteTat: 0, hourTat: 0, pausedUntil: 5_000 };
    const first = reserveSlot(paused, 1_000, pacing);
    expect(first.sendAt).toBe(5_000);
    expect(first.waitMs).toBe(4_000);
    const later = reserveSlot(first.next, 6_000, pacing);
    expect(later.next.pausedUntil).toBeNull();
  });

  it.each([
    ['POST', true],
    ['patch', true],
    ['PUT', true],
    ['DELETE', true],
    ['GET', false],
    ['HEAD', false],
  ])('counts %s as content-creating: %s', (method, creates) => {
    expect(isContentCreating(method)).toBe(creates);
  });

  const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

  it.each([
    ['a secondary limit with retry-after', 403, { 'retry-after': '2' }, 2_000],
    ['a 429 with retry-after', 429, { 'retry-after': '30' }, 30_000],
    ['a spent primary budget', 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1010' }, 10_000],
    ['a permission refusal', 403, { 'x-ratelimit-remaining': '4000' }, undefined],
    ['a server error', 502, { 'retry-after': '5' }, undefined],
  ])('reads the pause from %s', (_, status, values, pause) => {
    expect(pauseFromAnswer(status, headers(values), 1_000_000)).toBe(pause);
  });
});

/** Requests made at the given times in the given lanes, each sent at its reserved slot. */
function scheduleLanes(arrivals: { at: number; lane: Lane }[], limits: PacingLimits) {
  const lanes = lanesFor(limits);
  const states: Record<Lane, PacingState> = {
    dispatch: { minuteTat: 0, hourTat: 0, pausedUntil: null },
    other: { minuteTat: 0, hourTat: 0, pausedUntil: null },
  };
  return [...arrivals]
    .sort((a, b) => a.at - b.at)
    .map(({ at, lane }) => {
      // One lane: both kinds reserve in the same bucket.
      const bucket: Lane = lanes.split ? lane : 'other';
      const reservation = reserveSlot(states[bucket], at, lanes[lane]);
      states[bucket] = reservation.next;
      return { lane, at, sendAt: reservation.sendAt };
    });
}

describe('write pacing lanes (pure)', () => {
  it('gives dispatches a sixth of the rate, a third of the burst and a tenth of the hour (half of it at once)', () => {
    const lanes = lanesFor({ perMinute: 60, burst: 10, perHour: 450 });
    expect(lanes.split).toBe(true);
    expect(lanes.dispatch).toEqual(pacingFor({ perMinute: 10, burst: 3, perHour: 45 }, 1 / 2));
    // 22 dispatches at once in an hour, the other 23 spread over it.
    expect(lanes.dispatch.hour).toEqual({ intervalMs: 3_600_000 / 23, toleranceMs: 21 * (3_600_000 / 23) });
    expect(lanes.other).toEqual(pacingFor({ perMinute: 50, burst: 7, perHour: 405 }));
    expect(lanesFor({ perMinute: 60, burst: 1, perHour: 450 }).split).toBe(false);
  });

  it('sends a dispatch at once while 200 other writes wait for their slots', () => {
    const others = Array.from({ length: 200 }, () => ({ at: 0, lane: 'other' as const }));
    const sends = scheduleLanes([...others, { at: 1, lane: 'dispatch' }], {
      perMinute: 60,
      burst: 10,
      perHour: 100_000,
    });
    expect(sends.find((s) => s.lane === 'dispatch')?.sendAt).toBe(1);
    expect(Math.max(...sends.map((s) => s.sendAt))).toBeGreaterThan(3 * 60_000);
  });

  it('keeps both lanes together within burst + rate per minute and the hourly cap, for any arrivals', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 3 * 3_600_000 }),
            lane: fc.constantFrom<Lane>('dispatch', 'other'),
          }),
          { minLength: 1, maxLength: 700 },
        ),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 5, max: 600 }),
        (arrivals, perMinute, burst, perHour) => {
          const sends = scheduleLanes(arrivals, { perMinute, burst, perHour }).map((s) => s.sendAt);
          expect(busiestWindow(sends, 60_000)).toBeLessThanOrEqual(perMinute + burst);
          expect(busiestWindow(sends, 3_600_000)).toBeLessThanOrEqual(perHour);
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['POST', 'https://api.github.com/repos/acme/widgets/actions/workflows/agent.yml/dispatches', 'dispatch'],
    ['post', 'http://ghes.local/api/v3/repos/acme/widgets/actions/workflows/123/dispatches?x=1', 'dispatch'],
    ['GET', 'https://api.github.com/repos/acme/widgets/actions/workflows/agent.yml/dispatches', 'other'],
    ['POST', 'https://api.github.com/repos/acme/widgets/issues/1/comments', 'other'],
    ['POST', 'https://api.github.com/repos/acme/widgets/actions/workflows/agent.yml/dispatches/x', 'other'],
  ] as const)('puts %s %s in the %s lane', (method, url, lane) => {
    expect(laneOf(method, url)).toBe(lane);
  });
});

describe('slotWait', () => {
  it.each([
    // in a job, lane free: sleeps up to the limit and claims the lane
    [true, false, 5_000, { maxWaitMs: 5_000, claims: true }],
    // in a job, another job sleeps on the lane: no sleep (the queue puts it back)
    [true, true, 5_000, { maxWaitMs: 0, claims: false }],
    // outside a job (REST API, dashboard): waits as before, claims nothing
    [false, true, 5_000, { maxWaitMs: 5_000, claims: false }],
    [false, false, 5_000, { maxWaitMs: 5_000, claims: false }],
    // no wait allowed at all: nothing to claim
    [true, false, 0, { maxWaitMs: 0, claims: false }],
  ])('in a job %s, lane has a sleeper %s, limit %i ms → %o', (inJob, sleeper, limit, expected) => {
    expect(slotWait(inJob, sleeper, limit)).toEqual(expected);
  });
});
