// Pure: whether the proxy lets one more model call through, given what the task has used and
// what is still in flight.
export type ModelLimits = { maxTurns: number | null; maxCostUsd: number | null };

export type LimitUse = {
  /** Model calls let through so far (those still streaming included). */
  calls: number;
  /** Cost of the finished calls of models with a price (a lower bound when others were used). */
  costUsd: number;
};

/** What is in flight while a call asks to be let through. */
export type InFlight = {
  /** Model calls let through that have not ended yet. */
  calls: number;
  /** The worst-case cost still reserved for them (or what they metered, when more). */
  reservedUsd: number;
};

export type LimitHit = { kind: 'turns' | 'cost'; message: string };

/** What happens to a call: it goes now, it waits for calls in flight to end, or a limit refuses it. */
export type AdmissionDecision = { admit: true } | { wait: true } | { refuse: LimitHit };

/** Model calls in flight at once; more wait for one of them to end. */
export const MAX_IN_FLIGHT = 8;

function money(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

/** Null when the next call may go; otherwise which limit stops it, in words for the requester. */
export function nextCallRefused(limits: ModelLimits, use: LimitUse): LimitHit | null {
  if (limits.maxTurns !== null && use.calls >= limits.maxTurns) {
    return {
      kind: 'turns',
      message: `the turn limit of ${limits.maxTurns} model call${limits.maxTurns === 1 ? '' : 's'} (limits.max-turns) was reached`,
    };
  }
  if (limits.maxCostUsd !== null && use.costUsd >= limits.maxCostUsd) {
    return {
      kind: 'cost',
      message: `the cost limit of ${money(limits.maxCostUsd)} (limits.max-cost-usd) was reached: ${money(use.costUsd)} spent`,
    };
  }
  return null;
}

/**
 * Null, or the refusal of a call whose model has no price (prices.ts) while a cost limit is set:
 * its cost could be neither reserved nor metered, so the limit could not hold for it.
 */
export function unpricedRefused(
  limits: ModelLimits,
  worstUsd: number | null,
  model: string | null,
): LimitHit | null {
  if (limits.maxCostUsd === null || worstUsd !== null) return null;
  return {
    kind: 'cost',
    message: `the model "${model ?? 'unnamed'}" has no price in this version of the action, so the cost limit of ${money(limits.maxCostUsd)} (limits.max-cost-usd) cannot be held for it; use a model the action prices, or update the action`,
  };
}

/**
 * A call is refused once a limit is reached by what has been let through and metered. Otherwise
 * it goes when a slot is free and, with calls in flight, when the metered cost plus their
 * reservations plus its own worst case stays within the cost limit; else it waits for them to
 * end (they may cost far less than their worst case). A call that would be alone always goes
 * while the limit is not reached, so the spend can pass the limit only by what that one call
 * costs.
 * @param worstUsd the call's worst-case cost; null when its model has no price.
 */
export function decideAdmission(
  limits: ModelLimits,
  use: LimitUse,
  inFlight: InFlight,
  worstUsd: number | null,
  maxInFlight = MAX_IN_FLIGHT,
): AdmissionDecision {
  const hit = nextCallRefused(limits, use);
  if (hit !== null) return { refuse: hit };
  if (inFlight.calls >= maxInFlight) return { wait: true };
  if (
    limits.maxCostUsd !== null &&
    inFlight.calls > 0 &&
    use.costUsd + inFlight.reservedUsd + (worstUsd ?? 0) > limits.maxCostUsd
  ) {
    return { wait: true };
  }
  return { admit: true };
}
