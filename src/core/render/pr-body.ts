// Title and body of the agent's pull request, and the message of its commit. Pure. Text written
// by people (the request, the issue title) and by the agent (its summary, engine and model names)
// is encoded: it pings nobody, links nothing, renders nothing, and so no closing keyword in it can
// close an issue — the only `Closes` is the App's own, for the task's own issue.

import type { Report } from '../../contract/job-result.ts';
import type { Task } from '../task/task.ts';
import { encode, quoted } from './encode.ts';
import { originOf } from './origin.ts';

// Cents hide a small run's cost: four decimals under a dollar.
const money = (v: number | null) => (v === null ? '—' : `$${v.toFixed(v < 1 ? 4 : 2)}`);
const count = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

export function pullRequestTitle(task: Task): string {
  const source = task.issueTitle.trim() || task.prompt.trim().split('\n')[0] || `task ${task.id}`;
  return `agent: ${encode(source, 'title', { max: 100 })}`;
}

/** The commit's message: the title, then what the task was (own issue only, by number). */
export function commitMessage(task: Task): string {
  return `${pullRequestTitle(task)}\n\nAgent task ${task.id} for ${originOf(task)}, requested by @${task.requesterLogin}.`;
}

/** A pipeline's last review of the change (its text as handed on), for the body. */
export type LastReview = { step: string; round: number; verdict: 'approve' | 'changes' | null; text: string };

export function pullRequestBody(task: Task, report: Report, files: number, review?: LastReview): string {
  const closes = task.isPullRequest || task.issueNumber === null ? '' : `Closes #${task.issueNumber}\n\n`;
  const duration = report.durationMs === null ? '—' : `${Math.round(report.durationMs / 1000)} s`;
  const lines = [
    `${closes}**Agent task ${task.id}**, requested by @${task.requesterLogin} ${task.trigger === 'schedule' ? 'through' : 'in'} ${originOf(task)}${task.attempt > 1 && !task.pipeline ? ` (attempt ${task.attempt})` : ''}.`,
    '',
    quoted(task.prompt, 2000),
    '',
  ];
  if (report.summary) lines.push('### Summary from the agent', '', quoted(report.summary, 5000), '');
  if (review) {
    const outcome =
      review.verdict === 'approve'
        ? 'approved the change'
        : `still asked for changes after ${review.round} round${review.round === 1 ? '' : 's'} (the most the pipeline allows)`;
    lines.push(
      `### Review by the step ${encode(review.step, 'span')}`,
      '',
      `The review ${outcome}:`,
      '',
      quoted(review.text, 5000),
      '',
    );
  }
  lines.push(
    '### Usage',
    '',
    '| Engine | Model | Turns | Tokens (in / out) | Cost | Duration | Files | Run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${encode(task.engine, 'inline')}${report.engineVersion ? ` ${encode(report.engineVersion, 'inline', { max: 100 })}` : ''} | ${report.model ? encode(report.model, 'inline', { max: 200 }) : '—'} | ${count(report.turns)} | ${count(report.inputTokens)} / ${count(report.outputTokens)} | ${money(report.costUsd)} | ${duration} | ${files} | ${task.workflowRunUrl ? `[logs](${task.workflowRunUrl})` : '—'} |`,
    '',
    '---',
    "This change was written by a coding agent in a sandboxed job and checked against the repository's policy. Nobody has reviewed it yet: review it like any contribution before merging.",
  );
  return lines.join('\n');
}
