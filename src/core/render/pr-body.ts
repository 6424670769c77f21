// Title and body of the agent's pull request. Pure. Text produced by the agent is shown as data:
// mentions are neutralised so it cannot ping people, hidden HTML is removed.

import type { Report } from '../../contract/job-result.ts';
import { stripHidden } from '../prompt/strip-hidden.ts';
import type { Task } from '../task/task.ts';

function neutralise(text: string): string {
  return stripHidden(text).replace(/@(?=[A-Za-z0-9])/g, '@\u200B');
}

function quote(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return neutralise(cut)
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

// Cents hide a small run's cost: four decimals under a dollar.
const money = (v: number | null) => (v === null ? '—' : `$${v.toFixed(v < 1 ? 4 : 2)}`);
const count = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

export function pullRequestTitle(task: Task): string {
  const source = task.issueTitle.trim() || task.prompt.split('\n')[0] || `task ${task.id}`;
  const title = source.replace(/\s+/g, ' ').trim();
  return `agent: ${title.length > 100 ? `${title.slice(0, 100)}…` : title}`;
}

export function pullRequestBody(task: Task, report: Report, files: number): string {
  const closes = task.isPullRequest ? '' : `Closes #${task.issueNumber}\n\n`;
  const duration = report.durationMs === null ? '—' : `${Math.round(report.durationMs / 1000)} s`;
  const lines = [
    `${closes}**Agent task ${task.id}**, requested by @${task.requesterLogin} in #${task.issueNumber}${task.attempt > 1 ? ` (attempt ${task.attempt})` : ''}.`,
    '',
    quote(task.prompt, 2000),
    '',
  ];
  if (report.summary) lines.push('### Summary from the agent', '', quote(report.summary, 5000), '');
  lines.push(
    '### Usage',
    '',
    '| Engine | Model | Turns | Tokens (in / out) | Cost | Duration | Files | Run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${task.engine}${report.engineVersion ? ` ${neutralise(report.engineVersion)}` : ''} | ${report.model ? neutralise(report.model) : '—'} | ${count(report.turns)} | ${count(report.inputTokens)} / ${count(report.outputTokens)} | ${money(report.costUsd)} | ${duration} | ${files} | ${task.workflowRunUrl ? `[logs](${task.workflowRunUrl})` : '—'} |`,
    '',
    '---',
    "This change was written by a coding agent in a sandboxed job and checked against the repository's policy. Nobody has reviewed it yet: review it like any contribution before merging.",
  );
  return lines.join('\n');
}
