// The one door every model call passes before it is forwarded: admitted while the task is under
// its turn and cost limits (limits.ts), answered by the proxy itself once it is not. Counts the
// calls let through (those still streaming included) and those refused, and remembers the first
// limit that stopped one.
import { type LimitHit, type ModelLimits, nextCallRefused } from './limits.ts';

export type AdmissionCounts = {
  /** Model calls let through. */
  calls: number;
  /** Model calls answered by the proxy because a limit was reached. */
  refused: number;
  limit: LimitHit | null;
};

export type Admission = {
  /** Null when the call may go (it is counted); otherwise the limit that refuses it. */
  admit(): LimitHit | null;
  counts(): AdmissionCounts;
};

/** @param spentUsd the cost metered so far (usage-ledger.ts). */
export function createAdmission(limits: ModelLimits, spentUsd: () => number): Admission {
  let calls = 0;
  let refused = 0;
  let limit: LimitHit | null = null;
  return {
    admit() {
      const hit = nextCallRefused(limits, { calls, costUsd: spentUsd() });
      if (hit === null) {
        calls += 1;
        return null;
      }
      limit ??= hit;
      refused += 1;
      return hit;
    },
    counts: () => ({ calls, refused, limit }),
  };
}
