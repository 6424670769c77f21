// What the task's model calls used, as metered from their answers: tokens, the models that
// answered, and the cost of those with a price (prices.ts). A model without a price has its
// tokens counted but makes the total cost unknown, and the log says so once per model.
import { addTokens, costOf, NO_TOKENS, type TokenCounts } from './prices.ts';
import type { MeteredCall } from './usage-meter.ts';

export type ProxyLog = { warning(message: string): void };

export type UsageTotals = {
  tokens: TokenCounts;
  /** Null when a model without a price was used; then `pricedCostUsd` is a lower bound. */
  costUsd: number | null;
  pricedCostUsd: number;
  models: string[];
  unpricedModels: string[];
  /** Calls whose answer ended before it reported all its usage: their tokens are partly estimated. */
  estimatedCalls: number;
};

export type UsageLedger = {
  /** One metered answer; an answer that reported no usage adds nothing. */
  record(call: MeteredCall): void;
  /** The cost of the metered calls of models with a price. */
  spentUsd(): number;
  totals(): UsageTotals;
};

export function createUsageLedger(log: ProxyLog): UsageLedger {
  let tokens: TokenCounts = { ...NO_TOKENS };
  let pricedCostUsd = 0;
  const models = new Set<string>();
  const unpriced = new Set<string>();
  let unknownModelCalls = 0;
  let estimatedCalls = 0;

  function addCost(model: string, used: TokenCounts): void {
    const cost = costOf(model, used);
    if (cost !== null) {
      pricedCostUsd += cost;
      return;
    }
    if (unpriced.has(model)) return;
    unpriced.add(model);
    log.warning(
      `The model "${model}" has no price in this version of the action: its tokens are counted and its cost is unknown (with limits.max-cost-usd set, calls to it are refused).`,
    );
  }

  return {
    record(call) {
      if (!call.sawUsage) return;
      if (call.estimated) estimatedCalls += 1;
      tokens = addTokens(tokens, call.tokens);
      if (call.model === null) {
        unknownModelCalls += 1;
        return;
      }
      models.add(call.model);
      addCost(call.model, call.tokens);
    },
    spentUsd: () => pricedCostUsd,
    totals: () => ({
      tokens: { ...tokens },
      costUsd: unpriced.size > 0 || unknownModelCalls > 0 ? null : pricedCostUsd,
      pricedCostUsd,
      models: [...models],
      unpricedModels: [...unpriced],
      estimatedCalls,
    }),
  };
}
