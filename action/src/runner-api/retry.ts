// Bounded retries with exponential backoff and jitter, for calls to the App and to the
// runner's token service. Only failures that another try can fix are retried: network
// errors, 425 (the App has not recorded the run yet), 429 and 5xx. Any other 4xx is final.
export type RetryPolicy = {
  /** Tries in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this long. */
  maxRetryAfterMs: number;
  /**
   * How long to keep asking when the server says "not yet" (425: the App has not recorded the
   * run). Those answers do not use up `maxAttempts`: an App that restarted between dispatching the
   * run and recording it needs its own recovery time (a released job, a restart) first.
   */
  patienceMs: number;
};

/** Six tries over roughly 15–30 s (0.5–1, 1–2, 2–4, 4–8, 8–16 s between them); five minutes for "not yet". */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  maxRetryAfterMs: 30_000,
  patienceMs: 5 * 60_000,
};

export function isRetryableStatus(status: number): boolean {
  return status === 425 || status === 429 || status >= 500;
}

/**
 * The wait after the `failedAttempts`-th failure: "equal jitter" — half of the exponential
 * step for sure, the other half at random — so concurrent jobs spread out but never hammer.
 */
export function backoffDelayMs(
  failedAttempts: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  const jittered = step / 2 + random() * (step / 2);
  if (retryAfterMs === undefined) return Math.round(jittered);
  return Math.round(Math.max(jittered, Math.min(retryAfterMs, policy.maxRetryAfterMs)));
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export type RetryDecision =
  | { retry: false }
  | { retry: true; reason: string; retryAfterMs?: number; notYet?: boolean };

export type RetryOptions = {
  classify(error: unknown): RetryDecision;
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  onRetry?(reason: string, delayMs: number, nextAttempt: number): void;
};

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const started = now();
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const decision = options.classify(error);
      if (!decision.retry) throw error;
      const patient = decision.notYet === true && now() - started < policy.patienceMs;
      if (!patient) failures++;
      if (!patient && failures >= policy.maxAttempts) throw error;
      const delay = backoffDelayMs(attempt, policy, random, decision.retryAfterMs);
      options.onRetry?.(decision.reason, delay, attempt + 1);
      await wait(delay);
    }
  }
}
