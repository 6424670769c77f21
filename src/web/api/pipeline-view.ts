// The `pipeline` of GET /api/v1/tasks/{id}: the steps a pipeline task was frozen with, each run
// of a step (what it handed on, its SHA-256, a review's verdict, how it ended) and the approvals
// of what a step handed on (superseded by a replan). Null for a single-run task.
import { z } from 'zod';
import type { ApprovalRecord, StepRecord } from '../../core/pipeline/step-record.ts';
import type { Task } from '../../core/task/task.ts';

const time = z.iso.datetime({ offset: true });
const handoff = z.enum(['plan', 'summary', 'diff', 'review']);

export const pipelineViewSchema = z
  .object({
    name: z.string(),
    steps: z.array(z.object({ name: z.string(), engine: z.string(), handoff, approval: z.boolean() })),
    runs: z.array(
      z.object({
        attempt: z.number().int(),
        step: z.string(),
        round: z.number().int(),
        engine: z.string(),
        state: z.enum(['running', 'done', 'failed']),
        handoff,
        handoffText: z.string().nullable().describe('What a read-only step handed on (a diff step: null).'),
        handoffSha256: z.string().nullable(),
        verdict: z.enum(['approve', 'changes']).nullable(),
        error: z.string().nullable(),
        startedAt: time,
        finishedAt: time.nullable(),
      }),
    ),
    approvals: z.array(
      z.object({
        attempt: z.number().int(),
        sha256: z.string().describe('The SHA-256 of exactly the text that was approved.'),
        approver: z.string(),
        via: z.string(),
        at: time,
        supersededAt: time.nullable(),
      }),
    ),
  })
  // Inline, not a reference: the generator drops `null` from a nullable reference in OpenAPI 3.1.
  .nullable();

export function presentPipeline(
  task: Task,
  runs: StepRecord[],
  approvals: ApprovalRecord[],
): z.input<typeof pipelineViewSchema> {
  if (!task.pipeline) return null;
  return {
    name: task.pipeline.name,
    steps: task.pipeline.steps.map((s) => ({
      name: s.name,
      engine: s.engine,
      handoff: s.handoff,
      approval: s.approval,
    })),
    runs: runs.map((r) => ({
      attempt: r.attempt,
      step: r.name,
      round: r.round,
      engine: r.engine,
      state: r.state,
      handoff: r.handoff,
      handoffText: r.handoffText,
      handoffSha256: r.handoffSha256,
      verdict: r.verdict,
      error: r.error,
      startedAt: r.startedAt.toISOString(),
      finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
    })),
    approvals: approvals.map((a) => ({
      attempt: a.attempt,
      sha256: a.sha256,
      approver: a.approverLogin,
      via: a.via,
      at: a.createdAt.toISOString(),
      supersededAt: a.supersededAt ? a.supersededAt.toISOString() : null,
    })),
  };
}
