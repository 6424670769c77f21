// Pure: the job summary (markdown) of a run step.
import type { Isolation } from '../isolation/engine-sandbox.ts';
import type { TaskResult, TaskStatus } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { isolationCell } from './isolation-words.ts';

export type SummaryInput = {
  spec: TaskSpec;
  result: TaskResult;
  status: TaskStatus | null;
  /** Why the result could not be posted, when it could not. */
  postError: string | null;
  /** As whom the engine ran. */
  isolation: Isolation;
};

/** Text from the engine or the App is data: no markdown table breaks, no raw HTML. */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

const dash = '—';

/** A link only for a plain http(s) URL; anything else is shown as text. */
function link(text: string, url: string | null): string {
  return url !== null && /^https?:\/\/[^\s()<>"]+$/.test(url)
    ? `[${escapeCell(text)}](${url})`
    : escapeCell(text);
}
const count = (value: number | null) => (value === null ? dash : value.toLocaleString('en-US'));

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

export function formatCost(costUsd: number | null): string {
  return costUsd === null ? dash : `$${costUsd.toFixed(costUsd < 1 ? 4 : 2)}`;
}

export function renderJobSummary(input: SummaryInput): string {
  const { spec, result, status, postError } = input;
  const { report } = result;
  const taskLabel = `#${spec.task.id}${spec.task.attempt > 1 ? ` (attempt ${spec.task.attempt})` : ''}`;
  const where = `${spec.task.repository}#${spec.task.issueNumber}`;
  const task = `${taskLabel} for ${link(where, spec.task.htmlUrl)}`;
  const deleted = result.changes.filter((change) => change.status === 'deleted').length;
  const files =
    result.changes.length === 0
      ? 'none'
      : `${result.changes.length} (${result.changes.length - deleted} added or modified, ${deleted} deleted)`;
  const tokens =
    report.inputTokens === null && report.outputTokens === null
      ? dash
      : `${count(report.inputTokens)} in, ${count(report.outputTokens)} out`;
  const state = postError !== null ? 'result not delivered' : status === null ? 'unknown' : status.state;
  const rows: [string, string][] = [
    ['Task', task],
    ['Engine', escapeCell(`${report.engine}${report.engineVersion ? ` ${report.engineVersion}` : ''}`)],
    ['Model', report.model === null ? dash : escapeCell(report.model)],
    ['Turns', count(report.turns)],
    ['Tokens', tokens],
    ['Cost', formatCost(report.costUsd)],
    ['Duration', formatDuration(report.durationMs)],
    ['Engine isolation', isolationCell(input.isolation)],
    ['Files changed', files],
    ['Result', `${result.outcome.replace('_', ' ')}; task ${escapeCell(state.replace('_', ' '))}`],
    ['Pull request', status?.prUrl ? link(status.prUrl, status.prUrl) : dash],
  ];
  const lines = [
    '## Agent Dispatch',
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ];
  const errors = [report.error, postError, status?.error ?? null].filter(
    (e): e is string => e !== null && e !== '',
  );
  for (const error of errors) lines.push(`**Error:** ${escapeCell(error)}`, '');
  if (report.summary) {
    lines.push(
      '### Summary from the engine',
      '',
      ...report.summary.split('\n').map((line) => `> ${escapeCell(line)}`),
      '',
    );
  }
  return lines.join('\n');
}
