// The sticky status comment of a task: one comment per task, created once and rewritten at
// every change from the task's current row. Everything from outside in it goes through encode.
// While a request waits for approval it shows the exact request the agent would be given and
// what of the thread it includes. Pure.

import { triggerBar } from '../access/decide-access.ts';
import type { ApprovalRecord, StepRecord } from '../pipeline/step-record.ts';
import type { Task } from '../task/task.ts';
import { approvalRequest } from './approval-request.ts';
import { encode } from './encode.ts';
import { marker } from './marker.ts';
import { pipelineChecklist } from './pipeline-checklist.ts';

export type StatusExtras = {
  /** For a queued task: how many tasks of the repository run, the cap, and its place in line. */
  queue?: { running: number; limit: number; position: number } | undefined;
  /** For a run waiting on an environment gate. */
  gate?: { environment: string; reviewers: string[]; reviewUrl: string } | undefined;
  /** The task's page on the App (history and live transcript). */
  livePage?: string | undefined;
  /** A pipeline task's step runs and approvals, for its checklist. */
  steps?: { runs: StepRecord[]; approvals: ApprovalRecord[] } | undefined;
};

const HEADLINES: Record<Task['state'], string> = {
  awaiting_approval: '⏸️ Waiting for a maintainer to approve',
  queued: '🕓 Queued',
  dispatched: '🚀 Dispatched',
  waiting_approval: '⏸️ Waiting for the environment gate',
  running: '⚙️ Running',
  publishing: '📦 Publishing',
  awaiting_plan_approval: '⏸️ Waiting for approval of the plan',
  succeeded: '✅ Pull request opened',
  no_changes: '➖ Finished without changes',
  failed: '❌ Failed',
  cancelled: '🚫 Cancelled',
  rejected: '⛔ Rejected',
  timed_out: '⏱️ Timed out',
};

function formatCost(value: number | null | undefined): string {
  // Cents hide a small run's cost: four decimals under a dollar.
  return value === null || value === undefined ? '—' : `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('en-US');
}

function usageLine(task: Task): string | undefined {
  const usage = task.usage;
  if (!usage) return undefined;
  const tokens =
    usage.inputTokens === null && usage.outputTokens === null
      ? '—'
      : `${formatNumber(usage.inputTokens)} in / ${formatNumber(usage.outputTokens)} out`;
  const duration = usage.durationMs === null ? '—' : `${Math.round(usage.durationMs / 1000)} s`;
  const version = usage.engineVersion ? ` ${encode(usage.engineVersion, 'inline', { max: 100 })}` : '';
  const model = usage.model ? ` (${encode(usage.model, 'inline', { max: 200 })})` : '';
  return `Engine ${encode(task.engine, 'span')}${version}${model} · turns ${formatNumber(usage.turns)} · tokens ${tokens} · cost ${formatCost(usage.costUsd ?? task.costUsd)} · ${duration}`;
}

function detail(task: Task, extras: StatusExtras): string[] {
  const run = task.workflowRunUrl ? `[workflow run](${task.workflowRunUrl})` : undefined;
  switch (task.state) {
    case 'awaiting_approval':
      return [
        `@${task.requesterLogin} is below this repository's bar for running agents. Someone else with ${triggerBar(task.settings)} can approve with \`/agent approve ${task.id}\` or reject with \`/agent reject ${task.id}\`.`,
        '',
        ...approvalRequest(task),
      ];
    case 'queued':
      return extras.queue
        ? [
            `${extras.queue.running} of ${extras.queue.limit} task slots of this repository are busy; this task is number ${extras.queue.position} in line and starts when a slot frees up.`,
          ]
        : ['Starting shortly.'];
    case 'dispatched':
      return [run ? `The ${run} was requested; waiting for a runner.` : 'Requesting the workflow run.'];
    case 'waiting_approval':
      return extras.gate
        ? [
            `The run waits for the ${encode(extras.gate.environment, 'span')} environment${extras.gate.reviewers.length > 0 ? `: ${extras.gate.reviewers.map((r) => `@${encode(r, 'title')}`).join(', ')} can approve it` : ''} on [the run's review page](${extras.gate.reviewUrl}).`,
          ]
        : [`The ${run ?? 'run'} waits for its environment's approval.`];
    case 'running': {
      const progress = task.progress;
      // The job reports its progress: its tool name is shown as code, its turns as a number.
      const step = progress?.lastTool
        ? ` Last tool: ${encode(progress.lastTool, 'span', { max: 100 })}.`
        : '';
      const turns =
        Number.isSafeInteger(progress?.turns) && progress!.turns! > 0
          ? ` ${progress!.turns} turns so far.`
          : '';
      return [`The agent is working in the ${run ?? 'workflow run'}.${turns}${step}`];
    }
    case 'awaiting_plan_approval':
      return [
        `The plan is posted below this comment. Approve exactly that plan with \`/agent approve ${task.id}\` (someone with ${triggerBar(task.settings)}, or @${task.requesterLogin}), or ask for a new one with \`/agent replan ${task.id} <what to change>\`.`,
      ];
    case 'publishing':
      return [
        'The agent finished; checking its change against the repository policy and opening a pull request.',
      ];
    case 'succeeded':
      return [task.prUrl ? `Review the change in ${task.prUrl}.` : 'The change was published.'];
    case 'no_changes':
      return ['The agent finished but changed no files, so there is nothing to review.'];
    case 'failed':
    case 'rejected':
    case 'timed_out':
    case 'cancelled':
      return [
        task.errorMessage ?? '',
        run && task.state !== 'cancelled' ? `Logs: ${run}.` : '',
        task.state === 'failed' || task.state === 'timed_out' || task.state === 'cancelled'
          ? `Comment \`/agent retry ${task.id}\` to try again.`
          : '',
      ].filter(Boolean);
  }
}

export function renderStatusComment(task: Task, extras: StatusExtras = {}): string {
  const attempt = task.attempt > 1 ? ` (attempt ${task.attempt})` : '';
  const lines = [
    marker('task', task.id),
    `**Agent task ${task.id}**${attempt} · ${HEADLINES[task.state]}`,
    '',
    ...detail(task, extras),
  ];
  const checklist = extras.steps ? pipelineChecklist(task, extras.steps.runs, extras.steps.approvals) : [];
  if (checklist.length > 0) lines.push('', ...checklist);
  const usage = usageLine(task);
  if (usage) lines.push('', usage);
  const live = extras.livePage ? ` · [live transcript and history](${extras.livePage})` : '';
  lines.push(
    '',
    `<sub>Requested by @${task.requesterLogin}${live} · \`/agent status\` lists this thread's tasks · \`/agent help\`</sub>`,
  );
  return lines.join('\n');
}
