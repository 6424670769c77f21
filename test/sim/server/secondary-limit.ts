// Secondary limit on content creation: more than 80 content-creating requests by one client within
// 60 seconds is a violation. Violations are counted; optionally they are answered 403 like GitHub.
import type { Clock } from '../core.ts';

export type SecondaryViolation = { key: string; at: number; countInWindow: number };

export type SecondaryLimit = {
  /** Records a content-creating request and says whether it broke the limit. */
  record(key: string): boolean;
  violations: SecondaryViolation[];
  enforce: boolean;
};

export const SECONDARY_LIMIT_PER_MINUTE = 80;

export function createSecondaryLimit(clock: Clock, enforce: boolean): SecondaryLimit {
  const windows = new Map<string, number[]>();
  const limit: SecondaryLimit = {
    violations: [],
    enforce,
    record(key) {
      const now = clock.now();
      const recent = (windows.get(key) ?? []).filter((at) => now - at < 60_000);
      recent.push(now);
      windows.set(key, recent);
      if (recent.length <= SECONDARY_LIMIT_PER_MINUTE) return false;
      limit.violations.push({ key, at: now, countInWindow: recent.length });
      return true;
    },
  };
  return limit;
}

export const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.';
