// Whether a schedule's slot starts a task, and with what settings; or why it is skipped (the
// reason is recorded with the slot and shown in `/agent schedules` and the report issue). Pure.
import { type Actor, decideRunAccess, type RepoPermission } from '../access/decide-access.ts';
import type { ScheduleDefinition } from '../repo-config/schedules-schema.ts';
import type { ConfigIssue, RepoConfig } from '../repo-config/schema.ts';

export const SKIP_REASONS = [
  'removed',
  'invalid_config',
  'previous_run_live',
  'run_as_denied',
  'budget_exhausted',
  'rate_limited',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type FireFacts = {
  active: boolean;
  config: { ok: true; config: RepoConfig } | { ok: false; issues: ConfigIssue[] };
  /** The schedule's task that is still live, if any. */
  liveTaskId: number | undefined;
  /** `run-as` as GitHub knows them now (undefined: no such user), and their permission here. */
  runAs: Actor | undefined;
  permission: RepoPermission | null;
};

export type FireDecision =
  | { kind: 'start'; settings: RepoConfig; engine: string }
  | { kind: 'skip'; reason: SkipReason; detail: string };

/** The repository's settings with the schedule's limits over them. */
export function scheduleSettings(config: RepoConfig, schedule: ScheduleDefinition): RepoConfig {
  const limits = Object.fromEntries(Object.entries(schedule.limits ?? {}).filter(([, v]) => v !== undefined));
  return { ...config, limits: { ...config.limits, ...limits } };
}

export function decideFire(schedule: ScheduleDefinition, facts: FireFacts): FireDecision {
  const skip = (reason: SkipReason, detail: string): FireDecision => ({ kind: 'skip', reason, detail });
  if (!facts.active) return skip('removed', 'the schedule is no longer in .github/agent.yml');
  if (!facts.config.ok)
    return skip(
      'invalid_config',
      `.github/agent.yml is invalid: ${facts.config.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
    );
  if (facts.liveTaskId !== undefined)
    return skip('previous_run_live', `its previous run, task ${facts.liveTaskId}, is still going`);
  if (!facts.runAs) return skip('run_as_denied', `the run-as user @${schedule['run-as']} does not exist`);
  const config = facts.config.config;
  const access = decideRunAccess(facts.runAs, facts.permission, config);
  // A schedule is nobody's request to approve: run-as must be able to run tasks themselves.
  if (access.decision !== 'allow')
    return skip('run_as_denied', `@${facts.runAs.login} may not run tasks here: ${access.reason}`);
  return {
    kind: 'start',
    settings: scheduleSettings(config, schedule),
    engine: schedule.engine ?? config.engine,
  };
}
