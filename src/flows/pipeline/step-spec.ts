// What a pipeline step's run is told, fixed at its dispatch: which step it is, and what earlier
// steps handed on — their texts as stored (the approved plan exactly as approved) and the change
// of the last diff step, which the action applies to the checkout before the engine starts.
import { createHash } from 'node:crypto';
import type { TaskSpec } from '../../contract/task-spec.ts';
import { isReadOnly } from '../../core/pipeline/pipeline.ts';
import type { StepRecord } from '../../core/pipeline/step-record.ts';
import type { ReceivedHandoff, StepPromptInput } from '../../core/prompt/step-prompt.ts';
import type { Task } from '../../core/task/task.ts';
import type { Queryable } from '../../platform/db/pool.ts';
import { patchOf, resultOf } from '../../store/task-results.ts';
import { approvalsOf, stepRunsOf } from '../../store/task-steps.ts';

/** The diff's patch as the prompt carries it; the change itself travels whole. */
const MAX_PROMPT_PATCH = 60_000;

export type StepSpec = {
  step: NonNullable<TaskSpec['step']>;
  handoff: NonNullable<TaskSpec['handoff']>;
  prompt: StepPromptInput;
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The latest finished run of each other step, in step order. */
function latestDone(runs: StepRecord[], current: number): StepRecord[] {
  const byStep = new Map<number, StepRecord>();
  for (const run of runs)
    if (run.state === 'done' && run.stepIndex !== current) byStep.set(run.stepIndex, run);
  return [...byStep.entries()].sort(([a], [b]) => a - b).map(([, run]) => run);
}

export async function stepSpecOf(db: Queryable, task: Task): Promise<StepSpec | undefined> {
  const pipeline = task.pipeline;
  if (!pipeline) return undefined;
  const index = task.stepIndex ?? 0;
  const round = task.stepRound ?? 1;
  const step = pipeline.steps[index]!;
  const [runs, approvals] = await Promise.all([stepRunsOf(db, task.id), approvalsOf(db, task.id)]);
  const approver = (run: StepRecord) =>
    approvals.find((a) => a.attempt === run.attempt && a.supersededAt === null)?.approverLogin ?? null;
  const received: ReceivedHandoff[] = [];
  for (const run of latestDone(runs, index)) {
    if (run.handoff === 'diff') continue;
    if (run.handoffText === null || run.handoffSha256 === null) continue;
    received.push({
      step: run.name,
      kind: run.handoff,
      text: run.handoffText,
      sha256: run.handoffSha256,
      approvedBy: approver(run),
    });
  }
  // A replan: the previous plan, and what was asked of the next one.
  const previous = runs.filter((r) => r.stepIndex === index && r.state === 'done').at(-1);
  const feedback = previous?.feedback ?? null;
  if (feedback !== null && previous?.handoffText && previous.handoffSha256)
    received.push({
      step: previous.name,
      kind: previous.handoff,
      text: previous.handoffText,
      sha256: previous.handoffSha256,
      approvedBy: null,
    });
  let changes: NonNullable<TaskSpec['handoff']>['changes'] = [];
  if (task.changeAttempt !== null) {
    const [result, patch] = await Promise.all([
      resultOf(db, task.id, task.changeAttempt),
      patchOf(db, task.id, task.changeAttempt),
    ]);
    changes = result?.changes ?? [];
    const from = runs.find((r) => r.attempt === task.changeAttempt);
    if (patch !== undefined)
      received.push({
        step: from?.name ?? 'diff',
        kind: 'diff',
        text:
          patch.length > MAX_PROMPT_PATCH
            ? `${patch.slice(0, MAX_PROMPT_PATCH)}\n… (the patch is cut here; the whole change is in your checkout)`
            : patch,
        sha256: sha256(patch),
        approvedBy: null,
      });
  }
  const where = {
    pipeline: pipeline.name,
    name: step.name,
    index,
    count: pipeline.steps.length,
    round,
    handoff: step.handoff,
  };
  return {
    step: { ...where, readOnly: isReadOnly(step) },
    handoff: {
      received: received.map(({ approvedBy: _, ...item }) => item),
      changes,
    },
    prompt: { ...where, instructions: step.instructions, received, feedback },
  };
}
