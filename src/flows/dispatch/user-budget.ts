// The requester's budget in the task's repository, as core/budget decides it: what the requester's
// attempts cost this month against `budget.per-user-monthly-usd`. One helper for the three places
// it is checked (the request, the dispatch, the environment gate).
import { decideUserBudget, type UserBudget, userBudgetLimit } from '../../core/budget/decide-budget.ts';
import type { AppError } from '../../core/errors.ts';
import type { RepoConfig } from '../../core/repo-config/schema.ts';
import type { Queryable } from '../../platform/db/pool.ts';
import { monthlyUserSpendUsd } from '../../store/usage.ts';

export async function userBudgetOf(
  db: Queryable,
  config: Pick<RepoConfig, 'budget'>,
  repoId: number,
  requester: { id: number; login: string },
): Promise<UserBudget | undefined> {
  const limit = userBudgetLimit(config);
  if (limit === undefined) return undefined;
  return {
    login: requester.login,
    limitUsd: limit,
    spentUsd: await monthlyUserSpendUsd(db, repoId, requester.id),
  };
}

/** The refusal when the requester's budget is spent, else undefined. */
export async function userBudgetRefusal(
  db: Queryable,
  config: Pick<RepoConfig, 'budget'>,
  repoId: number,
  requester: { id: number; login: string },
): Promise<AppError<'budget_exhausted'> | undefined> {
  return decideUserBudget(await userBudgetOf(db, config, repoId, requester), new Date());
}
