// The primary rate limit: a budget per installation, App, user or anonymous client, reset hourly.
import type { Clock } from '../core.ts';

export type Budget = { limit: number; used: number; resetAt: number };

export type RateLimiter = {
  peek(key: string): Budget;
  consume(key: string): Budget;
  setLimit(limit: number, key?: string): void;
  headers(budget: Budget): Record<string, string>;
};

export function createRateLimiter(defaultLimit: number, clock: Clock): RateLimiter {
  const budgets = new Map<string, Budget>();
  const limits = new Map<string, number>();
  let fallback = defaultLimit;
  const peek = (key: string): Budget => {
    const nowSeconds = Math.floor(clock.now() / 1000);
    const limit = limits.get(key) ?? (key.startsWith('anonymous') ? Math.min(60, fallback) : fallback);
    let budget = budgets.get(key);
    if (!budget || budget.resetAt <= nowSeconds) {
      budget = { limit, used: 0, resetAt: nowSeconds + 3600 };
      budgets.set(key, budget);
    }
    budget.limit = limit;
    return budget;
  };
  return {
    peek,
    consume(key) {
      const budget = peek(key);
      budget.used += 1;
      return budget;
    },
    setLimit(limit, key) {
      if (key) limits.set(key, limit);
      else {
        fallback = limit;
        limits.clear();
      }
    },
    headers(budget) {
      return {
        'x-ratelimit-limit': String(budget.limit),
        'x-ratelimit-remaining': String(Math.max(0, budget.limit - budget.used)),
        'x-ratelimit-used': String(budget.used),
        'x-ratelimit-reset': String(budget.resetAt),
        'x-ratelimit-resource': 'core',
      };
    },
  };
}
