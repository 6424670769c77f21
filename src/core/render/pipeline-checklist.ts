// A pipeline task's steps as a checklist for its sticky comment, and the comment that shows a
// plan waiting for approval. Step names come from the repository's config, handoff texts from the
// job: everything is encoded. Pure.
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { ApprovalRecord, StepRecord } from '../pipeline/step-record.ts';
import type { Task } from '../task/task.ts';
import { encode } from './encode.ts';
import { marker } from './marker.ts';

const short = (sha: string | null) => (sha ? sha.slice(0, 12) : '—');

function stepLine(
  step: Pipeline['steps'][number],
  index: number,
  task: Task,
  runs: StepRecord[],
  approvals: ApprovalRecord[],
): string {
  const mine = runs.filter((r) => r.stepIndex === index);
  const last = mine.at(-1);
  const where = step.review?.pullRequest ? ', posted on the pull request' : '';
  const name = `${encode(step.name, 'span')} (${encode(step.engine, 'span')}, hands on ${step.handoff}${where})`;
  const current = task.stepIndex === index;
  const rounds = mine.length > 1 ? ` · ${mine.length} runs` : '';
  if (!last) return `- [ ] ${name}${current ? ' — next' : ''}`;
  if (last.state === 'running') return `- [ ] ${name} — running${rounds}`;
  if (last.state === 'failed') return `- [ ] ${name} — ❌ failed${rounds}`;
  const approval = approvals.find((a) => a.attempt === last.attempt && a.supersededAt === null);
  const notes = [
    last.verdict ? `verdict: ${last.verdict}` : '',
    step.approval
      ? approval
        ? `approved by @${approval.approverLogin} (SHA-256 \`${short(approval.sha256)}\`)`
        : task.state === 'awaiting_plan_approval' && current
          ? `waiting for approval (SHA-256 \`${short(last.handoffSha256)}\`)`
          : ''
      : '',
  ].filter(Boolean);
  return `- [x] ${name}${rounds}${notes.length > 0 ? ` — ${notes.join(' · ')}` : ''}`;
}

export function pipelineChecklist(task: Task, runs: StepRecord[], approvals: ApprovalRecord[]): string[] {
  const pipeline = task.pipeline;
  if (!pipeline) return [];
  return [
    `Pipeline ${encode(pipeline.name, 'span')}:`,
    '',
    ...pipeline.steps.map((step, index) => stepLine(step, index, task, runs, approvals)),
  ];
}

/** The comment that shows a handoff waiting for approval; its digest is compared at approval. */
export function handoffComment(task: Task, run: StepRecord): string {
  const what = run.handoff === 'plan' ? 'plan' : `${run.handoff} of step ${encode(run.name, 'span')}`;
  return [
    marker('handoff', `${task.id}:${run.attempt}`),
    `**Agent task ${task.id}** · the ${what} to approve (step ${encode(run.name, 'span')}, SHA-256 \`${run.handoffSha256}\`)`,
    '',
    encode(run.handoffText ?? '', 'block'),
    '',
    `Approve exactly this ${what} with \`/agent approve ${task.id}\`, or ask for another with \`/agent replan ${task.id} <what to change>\`. The next step receives this text as it is; editing this comment changes nothing.`,
  ].join('\n');
}
