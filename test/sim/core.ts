// The simulator's shared context: state, URLs, clocks, token registry, limits, faults, logs, engines.
// Routes, webhook delivery and the Actions engine all work through this one object.
import type { ActionsEngine } from './actions/engine.ts';
import type { TokenRegistry } from './auth/tokens.ts';
import type { FaultInjector } from './faults/faults.ts';
import type { RateLimiter } from './server/rate-limit.ts';
import type { RequestLog } from './server/request-log.ts';
import type { SecondaryLimit } from './server/secondary-limit.ts';
import type { Store } from './state/store.ts';
import type { WebhookSender } from './webhooks/send.ts';

export type Clock = { now(): number };

export type WorkTracker = {
  track<T>(promise: Promise<T>): Promise<T>;
  idle(): Promise<void>;
};

export type SimCore = {
  store: Store;
  /** Web base, e.g. http://127.0.0.1:PORT (html_url values start here). */
  url: string;
  /** REST base: `${url}/api/v3`. */
  apiUrl: string;
  /** Set when the simulator plays GitHub Enterprise Server (webhook headers, the OIDC issuer's path). */
  enterprise?: { version: string };
  dataDir: string;
  toolCacheDir: string;
  clock: Clock;
  tokens: TokenRegistry;
  rateLimits: RateLimiter;
  secondary: SecondaryLimit;
  faults: FaultInjector;
  requests: RequestLog;
  /** Limits GitHub applies to answers (mutable, so a test can lower one). */
  limits: {
    /** Entries of a recursive tree listing before GitHub truncates it (100,000; it also stops at 7 MB). */
    recursiveTreeEntries: number;
  };
  webhooks: WebhookSender;
  actions: ActionsEngine;
  work: WorkTracker;
};

export function createWorkTracker(): WorkTracker {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track(promise) {
      inFlight.add(promise);
      const forget = () => inFlight.delete(promise);
      promise.then(forget, forget);
      return promise;
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
