// The part of a pipeline step's prompt that says which step this is, what the repository asks of
// it, and what earlier steps handed on — each handoff verbatim, in a fence it cannot leave (an
// approved plan is the exact text that was approved, its SHA-256 beside it). Pure.
import type { HandoffKind } from '../pipeline/pipeline.ts';
import { fence } from './fence.ts';

export type ReceivedHandoff = {
  step: string;
  kind: HandoffKind;
  text: string;
  sha256: string;
  approvedBy: string | null;
};

export type StepPromptInput = {
  pipeline: string;
  name: string;
  index: number;
  count: number;
  round: number;
  handoff: HandoffKind;
  instructions: string;
  received: ReceivedHandoff[];
  /** `/agent replan` feedback on the previous plan (then the previous plan is among `received`). */
  feedback: string | null;
};

const ROLE: Record<HandoffKind, string> = {
  plan: 'This is the planning step. Do not change any file: whatever you change is discarded. Read the code and write a plan for the change: what to change, where, and how to check it. Your final message is the plan, exactly as people will approve it and the next step will receive it.',
  summary:
    'Do not change any file: whatever you change is discarded. Your final message is handed on to the next step as it is.',
  review:
    'This is a review step. The change to review is already applied in your checkout and shown below. Do not change any file: whatever you change is discarded. Review it for correctness, tests and risk. End your final message with a line `VERDICT: approve` if it can be proposed for human review as it is, or `VERDICT: changes` after saying exactly what must change.',
  diff: 'Make the change in the working tree.',
};

function heading(item: ReceivedHandoff): string {
  const what =
    item.kind === 'plan'
      ? item.approvedBy
        ? `The approved plan (approved by @${item.approvedBy})`
        : 'The plan'
      : item.kind === 'diff'
        ? 'The change so far (already applied in your checkout)'
        : item.kind === 'review'
          ? 'The review of the change'
          : 'The summary';
  return `### ${what}, from step ${item.step} (SHA-256 ${item.sha256})`;
}

export function stepSections(input: StepPromptInput): string[] {
  const parts = [
    `## This step: ${input.name} (step ${input.index + 1} of ${input.count} of the pipeline ${input.pipeline}${input.round > 1 ? `, round ${input.round}` : ''})`,
    ROLE[input.handoff],
  ];
  if (input.handoff === 'diff' && input.received.some((r) => r.kind === 'review'))
    parts.push('A review asked for changes: address it, building on the change already in your checkout.');
  if (input.instructions.trim() !== '')
    parts.push('', "### The repository's instructions for this step", input.instructions.trim());
  if (input.received.length > 0) {
    parts.push('', '## What earlier steps handed on');
    for (const item of input.received) parts.push('', heading(item), fence(item.kind, item.text));
  }
  if (input.feedback !== null)
    parts.push('', '## Feedback on that plan: write a new one', fence('feedback', input.feedback));
  return parts;
}
