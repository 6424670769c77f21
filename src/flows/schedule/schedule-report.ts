// `/agent schedules`, and a schedule's report issue (when `report-issue: true`): one issue per
// schedule, made once and edited in place after every run.
import {
  renderScheduleReport,
  renderSchedulesReply,
  reportIssueTitle,
  type ScheduleView,
} from '../../core/render/schedule-views.ts';
import { JOBS } from '../../core/task/follow-up-jobs.ts';
import { once } from '../../github/once.ts';
import type { Queryable } from '../../platform/db/pool.ts';
import { addJob } from '../../store/jobs.ts';
import { recentRuns } from '../../store/schedule-history.ts';
import { getSchedule, type Schedule, schedulesOfRepo, setReportIssue } from '../../store/schedules.ts';
import type { AppDeps } from '../app-deps.ts';

async function viewOf(db: Queryable, schedule: Schedule, runs: number): Promise<ScheduleView> {
  return { ...schedule, runs: await recentRuns(db, schedule.id, runs) };
}

export async function schedulesReply(db: Queryable, repoId: number): Promise<string> {
  const schedules = await schedulesOfRepo(db, repoId);
  return renderSchedulesReply(await Promise.all(schedules.map((s) => viewOf(db, s, 1))));
}

export async function queueScheduleReport(db: Queryable, schedule: Pick<Schedule, 'id' | 'definition'>) {
  if (!schedule.definition['report-issue']) return;
  await addJob(
    db,
    JOBS.scheduleReport,
    { scheduleId: schedule.id },
    { jobKey: `schedule-report:${schedule.id}`, maxAttempts: 10 },
  );
}

export async function syncScheduleReport(deps: AppDeps, scheduleId: number): Promise<void> {
  const schedule = await getSchedule(deps.pool, scheduleId);
  if (!schedule?.definition['report-issue']) return;
  const octokit = deps.github.forRepo(schedule.installationId, schedule.repoId, 'feedback');
  const target = { owner: schedule.repoOwner, repo: schedule.repoName };
  const body = renderScheduleReport(await viewOf(deps.pool, schedule, 20));
  if (schedule.reportIssue !== null) {
    await octokit.rest.issues.update({ ...target, issue_number: schedule.reportIssue, body });
    return;
  }
  const made = await once(deps.pool, `schedule-report-issue:${schedule.id}`, {
    find: async () => undefined,
    perform: async () => ({
      number: (await octokit.rest.issues.create({ ...target, title: reportIssueTitle(schedule.name), body }))
        .data.number,
    }),
  });
  await setReportIssue(deps.pool, schedule.id, made.number);
}
