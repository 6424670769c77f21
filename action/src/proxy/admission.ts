// The one door every model call passes before it is forwarded. A call is let through while the
// task is under its turn and cost limits with what is already in flight counted at its worst
// case (limits.ts decides); each call let through holds a reservation of its worst-case cost until
// it has ended and its metered cost is in the ledger. A call that cannot go yet waits, first come
// first served, for calls in flight to end; once a limit is reached it is answered by the proxy
// itself, as is at once a call to a model without a price while a cost limit is set. Counts the
// calls let through (those still streaming included), those refused, and remembers the first
// limit that stopped one.
import {
  decideAdmission,
  type LimitHit,
  MAX_IN_FLIGHT,
  type ModelLimits,
  unpricedRefused,
} from './limits.ts';

export type AdmissionCounts = {
  /** Model calls let through. */
  calls: number;
  /** Model calls answered by the proxy because a limit was reached. */
  refused: number;
  limit: LimitHit | null;
  /** The most model calls that were in flight at once. */
  peakInFlight: number;
  /** Model calls that had to wait for others to end before they went. */
  waited: number;
};

/** A call let through: what it has metered so far, and its end. */
export type Ticket = {
  /** The cost metered so far, when it grows past the reservation. */
  running(usd: number): void;
  /** The call has ended and its cost is in the ledger: its reservation is released. */
  release(): void;
};

export type Admitted =
  | { ok: true; ticket: Ticket }
  | { ok: false; hit: LimitHit }
  | { ok: false; gone: true };

export type Admission = {
  /**
   * Resolves when the call may go (it is counted), when a limit refuses it, or — when `signal`
   * aborts first (the engine gave up) — with `gone`, counting nothing.
   * @param worstUsd the call's worst-case cost (request-cost.ts); null when it has no price, which
   * under a cost limit refuses it at once.
   * @param model the model it names, for that refusal.
   */
  admit(worstUsd: number | null, signal?: AbortSignal, model?: string | null): Promise<Admitted>;
  counts(): AdmissionCounts;
};

type Waiting = { worstUsd: number | null; done(result: Admitted): void };

/** @param spentUsd the cost metered so far (usage-ledger.ts). */
export function createAdmission(
  limits: ModelLimits,
  spentUsd: () => number,
  maxInFlight = MAX_IN_FLIGHT,
): Admission {
  const counts: AdmissionCounts = { calls: 0, refused: 0, limit: null, peakInFlight: 0, waited: 0 };
  const inFlight = new Map<symbol, number>();
  const queue: Waiting[] = [];

  const reservedUsd = () => [...inFlight.values()].reduce((sum, usd) => sum + usd, 0);

  function ticketFor(worstUsd: number | null): Ticket {
    const id = Symbol('call');
    inFlight.set(id, worstUsd ?? 0);
    counts.calls += 1;
    counts.peakInFlight = Math.max(counts.peakInFlight, inFlight.size);
    return {
      running(usd) {
        const reserved = inFlight.get(id);
        if (reserved !== undefined && usd > reserved) inFlight.set(id, usd);
      },
      release() {
        if (inFlight.delete(id)) pump();
      },
    };
  }

  /** Decides for the waiting calls in order, until the first that must go on waiting. */
  function pump(): void {
    while (queue.length > 0) {
      const next = queue[0] as Waiting;
      const decision = decideAdmission(
        limits,
        { calls: counts.calls, costUsd: spentUsd() },
        { calls: inFlight.size, reservedUsd: reservedUsd() },
        next.worstUsd,
        maxInFlight,
      );
      if ('wait' in decision) return;
      queue.shift();
      if ('admit' in decision) {
        next.done({ ok: true, ticket: ticketFor(next.worstUsd) });
      } else {
        counts.refused += 1;
        counts.limit ??= decision.refuse;
        next.done({ ok: false, hit: decision.refuse });
      }
    }
  }

  return {
    admit(worstUsd, signal, model = null) {
      return new Promise<Admitted>((resolve) => {
        if (signal?.aborted) return resolve({ ok: false, gone: true });
        const unpriced = unpricedRefused(limits, worstUsd, model);
        if (unpriced !== null) {
          counts.refused += 1;
          counts.limit ??= unpriced;
          return resolve({ ok: false, hit: unpriced });
        }
        const waiting: Waiting = { worstUsd, done: resolve };
        queue.push(waiting);
        pump();
        if (!queue.includes(waiting)) return;
        counts.waited += 1;
        signal?.addEventListener(
          'abort',
          () => {
            const at = queue.indexOf(waiting);
            if (at < 0) return;
            queue.splice(at, 1);
            resolve({ ok: false, gone: true });
            pump();
          },
          { once: true },
        );
      });
    },
    counts: () => ({ ...counts }),
  };
}
