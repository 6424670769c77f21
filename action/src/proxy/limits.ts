// Pure: whether the proxy lets one more model call through, given what the task has used.
export type ModelLimits = { maxTurns: number | null; maxCostUsd: number | null };

export type LimitUse = {
  /** Model calls let through so far (those still streaming included). */
  calls: number;
  /** Cost of the finished calls of models with a price (a lower bound when others were used). */
  costUsd: number;
};

export type LimitHit = { kind: 'turns' | 'cost'; message: string };

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
