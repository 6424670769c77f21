// Fires one slot of a schedule (the job the tick queued at the slot's jittered time): gathers the
// facts — the schedule, the repository's config now, whether its previous run is still live,
// `run-as` and their permission now, their budget — lets core/schedule decide, and either starts
// a task (concurrency and budgets apply to it as to any task) or records the skip and its reason.
// Both budgets are checked at the fire: the repository's (`budget.monthly-usd`, which a comment's
// task meets at the environment gate) and `run-as`'s own.
// Once per slot: the slot's row is locked and decided in the same transaction as the task.
import type { Actor } from '../../core/access/decide-access.ts';
import { decideRepoBudget } from '../../core/budget/decide-budget.ts';
import type { RepoConfig } from '../../core/repo-config/schema.ts';
import { decideFire } from '../../core/schedule/decide-fire.ts';
import { loadRepoConfig } from '../../github/load-repo-config.ts';
import { readPermission } from '../../github/read-permission.ts';
import {
  decideScheduleRun,
  getSchedule,
  getScheduleRun,
  liveTaskOfSchedule,
  lockScheduleRun,
  type Schedule,
} from '../../store/schedules.ts';
import { monthlySpendUsd } from '../../store/spend.ts';
import { insertNewTask } from '../../store/tasks.ts';
import { inTransaction } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';
import { userBudgetRefusal } from '../dispatch/user-budget.ts';
import { queueScheduleReport } from './schedule-report.ts';

async function readRunAs(deps: AppDeps, schedule: Schedule) {
  const octokit = deps.github.forRepo(schedule.installationId, schedule.repoId, 'respond');
  const login = schedule.definition['run-as'];
  try {
    const { data } = await octokit.rest.users.getByUsername({ username: login });
    return { octokit, runAs: { login: data.login, id: data.id, type: data.type } };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { octokit, runAs: undefined };
    throw error;
  }
}

/** The refusal when the repository's or `run-as`'s monthly budget is spent, else undefined. */
async function budgetRefusal(deps: AppDeps, settings: RepoConfig, repoId: number, runAs: Actor) {
  const limit = settings.budget?.['monthly-usd'];
  const repo =
    limit === undefined
      ? undefined
      : decideRepoBudget({ limitUsd: limit, spentUsd: await monthlySpendUsd(deps.pool, repoId) }, new Date());
  return repo ?? (await userBudgetRefusal(deps.pool, settings, repoId, runAs));
}

async function skip(deps: AppDeps, schedule: Schedule, slot: Date, reason: string, detail: string) {
  const decided = await decideScheduleRun(deps.pool, schedule.id, slot, {
    outcome: 'skipped',
    reason,
    detail,
  });
  if (decided) {
    deps.log.info({ schedule: schedule.name, slot, reason, detail }, 'scheduled run skipped');
    await queueScheduleReport(deps.pool, schedule);
  }
}

export async function fireSchedule(deps: AppDeps, scheduleId: number, slot: Date): Promise<void> {
  const [schedule, run] = await Promise.all([
    getSchedule(deps.pool, scheduleId),
    getScheduleRun(deps.pool, scheduleId, slot),
  ]);
  if (!schedule || run?.outcome !== 'pending') return;
  const { octokit, runAs } = await readRunAs(deps, schedule);
  const repo = { id: schedule.repoId, owner: schedule.repoOwner, name: schedule.repoName, defaultBranch: '' };
  const [config, liveTaskId, permission] = await Promise.all([
    loadRepoConfig(
      deps.github.forConfig(schedule.installationId, schedule.repoOwner),
      schedule.repoOwner,
      schedule.repoName,
    ),
    liveTaskOfSchedule(deps.pool, schedule.id),
    runAs ? readPermission(octokit, { repo, sender: runAs }) : Promise.resolve(null),
  ]);
  const decision = decideFire(schedule.definition, {
    active: schedule.active,
    config,
    liveTaskId,
    runAs,
    permission,
  });
  if (decision.kind === 'skip') return skip(deps, schedule, slot, decision.reason, decision.detail);
  const requester = runAs!;
  const overBudget = await budgetRefusal(deps, decision.settings, schedule.repoId, requester);
  if (overBudget) return skip(deps, schedule, slot, 'budget_exhausted', overBudget.message);
  const definition = schedule.definition;
  const outcome = await inTransaction(deps.pool, async (client) => {
    const locked = await lockScheduleRun(client, schedule.id, slot);
    if (locked?.outcome !== 'pending') return 'decided' as const;
    const made = await insertNewTask(
      client,
      {
        installationId: schedule.installationId,
        repoId: schedule.repoId,
        repoOwner: schedule.repoOwner,
        repoName: schedule.repoName,
        issueNumber: null,
        isPullRequest: false,
        commentKind: null,
        commentId: null,
        deliveryId: null,
        requesterLogin: requester.login,
        requesterId: requester.id,
        prompt: definition.prompt,
        issueTitle: definition.name,
        engine: decision.engine,
        settings: decision.settings,
        state: 'queued',
        followUpOfPr: null,
        branch: null,
        trigger: 'schedule',
        scheduleId: schedule.id,
        baseBranch: definition.branch ?? null,
      },
      { perUserPerHour: decision.settings['rate-limit']['per-user-per-hour'] },
    );
    if (!made) return 'decided' as const;
    if ('rateLimited' in made) return made;
    await decideScheduleRun(client, schedule.id, slot, { outcome: 'started', taskId: made.task.id });
    return made.task;
  });
  if (outcome === 'decided') return;
  if ('rateLimited' in outcome)
    return skip(
      deps,
      schedule,
      slot,
      'rate_limited',
      `@${requester.login} reached the per-user limit of ${outcome.rateLimited.limit} tasks an hour`,
    );
  deps.log.info({ schedule: schedule.name, slot, taskId: outcome.id }, 'scheduled task started');
  await queueScheduleReport(deps.pool, schedule);
}
