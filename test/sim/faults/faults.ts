// Fault injection: for requests matching a method and/or route template, add latency, answer an error
// (5xx, a secondary rate limit, 429) or drop the connection — for a number of requests or a time window.
import type { Clock } from '../core.ts';

export type FaultKind =
  | { type: 'latency'; ms: number }
  | { type: 'status'; status: 500 | 502 | 503 }
  | { type: 'secondary-rate-limit'; retryAfter: number }
  | { type: 'rate-limit-429'; retryAfter?: number }
  | { type: 'drop' };

export type FaultRule = {
  method?: string;
  /** GitHub's path template, e.g. '/repos/{owner}/{repo}/pulls'. */
  route?: string;
  kind: FaultKind;
  /** Apply to this many matching requests, then stop. */
  count?: number;
  /** Apply for this long after injection, then stop. */
  forMs?: number;
};

type ActiveFault = FaultRule & { id: number; remaining: number; until: number; hits: number };

export type FaultHandle = { id: number; hits(): number; remove(): void };

export type FaultInjector = {
  inject(rule: FaultRule): FaultHandle;
  clear(): void;
  /** The fault for this request, if any (consumes one use of a counted fault). */
  take(method: string, route: string | null): FaultKind | null;
  active(): FaultRule[];
};

export function createFaultInjector(clock: Clock): FaultInjector {
  const faults: ActiveFault[] = [];
  let nextId = 1;
  const live = (fault: ActiveFault) => fault.remaining > 0 && clock.now() < fault.until;
  return {
    inject(rule) {
      const fault: ActiveFault = {
        ...rule,
        id: nextId++,
        remaining: rule.count ?? Number.POSITIVE_INFINITY,
        until: rule.forMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + rule.forMs,
        hits: 0,
      };
      faults.push(fault);
      return {
        id: fault.id,
        hits: () => fault.hits,
        remove() {
          const index = faults.indexOf(fault);
          if (index >= 0) faults.splice(index, 1);
        },
      };
    },
    clear() {
      faults.length = 0;
    },
    take(method, route) {
      for (const fault of faults) {
        if (!live(fault)) continue;
        if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
        if (fault.route && fault.route !== route) continue;
        fault.remaining -= 1;
        fault.hits += 1;
        return fault.kind;
      }
      return null;
    },
    active: () =>
      faults
        .filter(live)
        .map(({ method, route, kind, count, forMs }) => ({ method, route, kind, count, forMs })),
  };
}
