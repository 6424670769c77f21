// Pacing of content-creating GitHub requests, as a pure decision. Two token buckets in GCRA
// form ("generic cell rate algorithm": each bucket keeps the theoretical arrival time of the
// next request), one for any 60 s and one for any hour. A request reserves its slot: the answer
// is when it may be sent, and the buckets' next state. Reserving (rather than polling for a free
// token) means waiting callers never race each other, and one row update per request suffices.
//
// Why the caps hold: with interval T and tolerance τ = (burst − 1)·T, a slot s_k is never
// before tat_k − τ and the next tat is max(tat_k, s_k) + T ≥ s_k + T, so n requests sent in a
// window W satisfy W ≥ (n − 1)·T − τ, i.e. n ≤ burst + W/T. Sending later than the slot
// (latency, a pause) never adds requests to a window beyond that bound plus the delay's share.

export type Bucket = { intervalMs: number; toleranceMs: number };
export type Pacing = { minute: Bucket; hour: Bucket };
export type PacingLimits = {
  /** Steady content-creating requests per installation per minute. */
  perMinute: number;
  /** How many may go at once after a quiet spell: any 60 s holds at most burst + perMinute. */
  burst: number;
  /** Most content-creating requests per installation in any hour (GitHub allows 500). */
  perHour: number;
};
export type PacingState = { minuteTat: number; hourTat: number; pausedUntil: number | null };

function bucket(steadyPerWindow: number, windowMs: number, burst: number): Bucket {
  const intervalMs = windowMs / steadyPerWindow;
  return { intervalMs, toleranceMs: (Math.max(1, burst) - 1) * intervalMs };
}

/**
 * The per-minute bucket is the configured rate and burst (60 a minute after a burst of 10: at
 * most 70 in any 60 s, GitHub allows 80). The hourly cap is split the same way: a fifth as burst,
 * the rest spread over the hour, so any hour holds at most the cap.
 */
export function pacingFor(limits: PacingLimits, hourBurstShare = 1 / 5): Pacing {
  const hourBurst = Math.max(1, Math.floor(limits.perHour * hourBurstShare));
  return {
    minute: bucket(limits.perMinute, 60_000, limits.burst),
    hour: bucket(Math.max(1, limits.perHour - hourBurst), 3_600_000, hourBurst),
  };
}

/**
 * Two lanes share an installation's budget: workflow dispatches (a task's first write, which the
 * person who commented is waiting for) and every other write. Each lane is a bucket of its own
 * with a share of the rate, the burst and the hourly cap, so a dispatch never queues behind the
 * comments, commits and check runs of earlier tasks; the shares add up to the limits, so any 60 s
 * still holds at most burst + perMinute writes and any hour at most perHour. Limits too small to
 * split (a burst, rate or hourly cap under 2) make one lane that both use.
 */
export type Lanes = { dispatch: Pacing; other: Pacing; split: boolean };
export type Lane = 'dispatch' | 'other';

export function lanesFor(limits: PacingLimits): Lanes {
  if (limits.burst < 2 || limits.perMinute < 2 || limits.perHour < 10) {
    const one = pacingFor(limits);
    return { dispatch: one, other: one, split: false };
  }
  const dispatch: PacingLimits = {
    perMinute: Math.max(1, Math.floor(limits.perMinute / 6)),
    burst: Math.max(1, Math.floor(limits.burst / 3)),
    perHour: Math.max(5, Math.floor(limits.perHour / 10)),
  };
  const other: PacingLimits = {
    perMinute: limits.perMinute - dispatch.perMinute,
    burst: limits.burst - dispatch.burst,
    perHour: limits.perHour - dispatch.perHour,
  };
  // Half of the dispatch lane's hour may go at once: a tenth of the hour spread after a fifth
  // would hold the tenth task of a busy spell ~100 s, while the other writes of those same
  // tasks are still within their own burst.
  return { dispatch: pacingFor(dispatch, 1 / 2), other: pacingFor(other), split: true };
}

/** The bucket row of a lane: the installation's key for the other writes, `<key>:dispatch` for dispatches. */
export function laneKey(key: string, lane: Lane): string {
  return lane === 'dispatch' ? `${key}:dispatch` : key;
}

/** Which lane a bucket row holds (the Operations page shows each row with its lane's shape). */
export function laneOfKey(key: string): Lane {
  return key.endsWith(':dispatch') ? 'dispatch' : 'other';
}

const DISPATCH_PATH = /\/repos\/[^/]+\/[^/]+\/actions\/workflows\/[^/]+\/dispatches$/;

/** Which lane a request goes in: `POST …/actions/workflows/{id}/dispatches`, or the rest. */
export function laneOf(method: string, url: string): Lane {
  if (method.toUpperCase() !== 'POST') return 'other';
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split('?')[0] ?? url;
  }
  return DISPATCH_PATH.test(path) ? 'dispatch' : 'other';
}

export type Reservation = { sendAt: number; waitMs: number; next: PacingState };

/** Reserves the next slot for a request made at `now` (ms since the epoch, the database's clock). */
export function reserveSlot(state: PacingState, now: number, pacing: Pacing): Reservation {
  const sendAt = Math.max(
    now,
    state.minuteTat - pacing.minute.toleranceMs,
    state.hourTat - pacing.hour.toleranceMs,
    state.pausedUntil ?? now,
  );
  return {
    sendAt,
    waitMs: sendAt - now,
    next: {
      minuteTat: Math.max(state.minuteTat, sendAt) + pacing.minute.intervalMs,
      hourTat: Math.max(state.hourTat, sendAt) + pacing.hour.intervalMs,
      pausedUntil: state.pausedUntil !== null && state.pausedUntil > now ? state.pausedUntil : null,
    },
  };
}

const METHODS_THAT_CREATE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** GitHub counts POST, PATCH, PUT and DELETE as content-creating for its secondary limits. */
export function isContentCreating(method: string): boolean {
  return METHODS_THAT_CREATE.has(method.toUpperCase());
}

/**
 * How long (ms) GitHub asked us to hold off, from a limit answer's headers: `retry-after`
 * (seconds) on a secondary limit or a 429, or until the reset time when the primary budget is
 * spent. Undefined when the answer is not a rate limit.
 */
export function pauseFromAnswer(
  status: number,
  headers: { get(name: string): string | null },
  now: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined;
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}

/**
 * How long one write may sleep for its slot, and whether it claims its lane while it does: a write
 * in a queue job claims the lane unless another job of the process sleeps on it already, in which
 * case it may not sleep at all (the queue puts it back for its slot); a write outside a job, which
 * cannot be put back, waits up to `maxWaitMs` and claims nothing.
 */
export function slotWait(
  inJob: boolean,
  laneHasSleeper: boolean,
  maxWaitMs: number,
): { maxWaitMs: number; claims: boolean } {
  if (!inJob) return { maxWaitMs, claims: false };
  if (laneHasSleeper) return { maxWaitMs: 0, claims: false };
  return { maxWaitMs, claims: maxWaitMs > 0 };
}
