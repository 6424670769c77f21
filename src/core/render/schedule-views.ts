// `/agent schedules` (a repository's schedules with their next fire time and last run) and the
// body of a schedule's report issue, updated in place after every run (Renovate's Dependency
// Dashboard is the model). Names and prompts come from the config, details from GitHub: encoded. Pure.
import type { ScheduleDefinition } from '../repo-config/schedules-schema.ts';
import { encode } from './encode.ts';
import { marker } from './marker.ts';

export type ScheduleRunView = {
  slotAt: Date;
  outcome: 'pending' | 'started' | 'skipped';
  reason: string | null;
  detail: string | null;
  missed: number;
  taskId: number | null;
  taskState: string | null;
  prUrl: string | null;
};

export type ScheduleView = {
  id: number;
  name: string;
  definition: ScheduleDefinition;
  nextFireAt: Date | null;
  runs: ScheduleRunView[];
};

const utc = (at: Date) =>
  at
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, 'Z')
    .replace('T', ' ');

function runText(run: ScheduleView['runs'][number]): string {
  const missed =
    run.missed > 0
      ? ` (caught up; ${run.missed} earlier slot${run.missed === 1 ? '' : 's'} passed over)`
      : '';
  if (run.outcome === 'skipped')
    return `skipped — ${encode(run.reason ?? '', 'span')}: ${encode(run.detail ?? '', 'inline', { max: 300 })}${missed}`;
  if (run.outcome === 'pending') return `firing${missed}`;
  const state = (run.taskState ?? 'started').replace(/_/g, ' ');
  return `task ${run.taskId}: ${state}${run.prUrl ? ` — ${run.prUrl}` : ''}${missed}`;
}

export function renderSchedulesReply(schedules: ScheduleView[]): string {
  if (schedules.length === 0)
    return 'This repository has no schedules. Add `schedules:` to `.github/agent.yml` on the default branch (see the schema).';
  const rows = schedules.map((s) => {
    const d = s.definition;
    const last = s.runs[0];
    return `| ${encode(s.name, 'span')} | ${encode(d.cron, 'span')} ${encode(d.timezone, 'inline')} | @${d['run-as']} | ${s.nextFireAt ? utc(s.nextFireAt) : '—'} | ${last ? `${utc(last.slotAt)}: ${runText(last)}` : '—'} |`;
  });
  return [
    `**Schedules of this repository** (${schedules.length})`,
    '',
    '| Schedule | Cron | Runs as | Next fire (UTC) | Last run |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function reportIssueTitle(name: string): string {
  return `Agent schedule: ${encode(name, 'title', { max: 60 })}`;
}

export function renderScheduleReport(schedule: ScheduleView): string {
  const d = schedule.definition;
  return [
    marker('schedule', schedule.id),
    `This issue is kept up to date by Agent Dispatch for the schedule ${encode(schedule.name, 'span')} of \`.github/agent.yml\`: ${encode(d.cron, 'span')} (${encode(d.timezone, 'inline')}), running as @${d['run-as']}.`,
    '',
    `Next fire: ${schedule.nextFireAt ? `${utc(schedule.nextFireAt)} UTC` : '—'}`,
    '',
    '### The prompt',
    '',
    encode(d.prompt, 'block'),
    '',
    '### Recent runs (newest first)',
    '',
    ...(schedule.runs.length === 0
      ? ['No run yet.']
      : schedule.runs.map((r) => `- ${utc(r.slotAt)} UTC: ${runText(r)}`)),
    '',
    '<sub>Set `report-issue: false` on the schedule to stop these updates.</sub>',
  ].join('\n');
}
