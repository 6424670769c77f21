// Whether a requester's monthly budget in a repository (`budget.per-user-monthly-usd` in
// `.github/agent.yml`) still allows a task. Pure: the caller sums what the requester's attempts
// cost this calendar month (UTC). Checked when a task is requested, when it is dispatched and when
// its run reaches the environment gate; the refusal says what is left and when it resets.
import { AppError } from '../errors.ts';
import type { RepoConfig } from '../repo-config/schema.ts';

export type UserBudget = { login: string; limitUsd: number; spentUsd: number };

/** The first moment of next month, UTC: when monthly budgets start again. */
export function budgetResetsAt(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** The per-user limit the configuration sets, if any. */
export function userBudgetLimit(config: Pick<RepoConfig, 'budget'>): number | undefined {
  return config.budget?.['per-user-monthly-usd'];
}

/** Undefined when the task may go on; otherwise the refusal people read. */
export function decideUserBudget(
  budget: UserBudget | undefined,
  now: Date,
): AppError<'budget_exhausted'> | undefined {
  if (!budget || budget.spentUsd < budget.limitUsd) return undefined;
  return new AppError('budget_exhausted', {
    scope: 'user',
    login: budget.login,
    spentUsd: budget.spentUsd,
    limitUsd: budget.limitUsd,
    resetsAt: budgetResetsAt(now),
  });
}

/**
 * The repository's monthly budget (`budget.monthly-usd`): undefined while the repository's runs
 * this month cost less; otherwise the refusal people read.
 */
export function decideRepoBudget(
  budget: { limitUsd: number; spentUsd: number } | undefined,
  now: Date,
): AppError<'budget_exhausted'> | undefined {
  if (!budget || budget.spentUsd < budget.limitUsd) return undefined;
  return new AppError('budget_exhausted', {
    scope: 'repository',
    login: '',
    spentUsd: budget.spentUsd,
    limitUsd: budget.limitUsd,
    resetsAt: budgetResetsAt(now),
  });
}
