// What the job is told to do (GET /api/runner/v1/tasks/{id}/spec, docs/runner-api.md). The App
// builds it at dispatch; the action validates it before acting on it.
import { z } from 'zod';
import { changeSchema } from './job-result.ts';

/** How strictly the engine must run as an OS user of its own (`engine-isolation` in agent.yml). */
export const ENGINE_ISOLATION = ['preferred', 'required'] as const;

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

export const taskSpecSchema = z.object({
  task: z.object({
    id: positiveInt,
    attempt: positiveInt,
    repository: z.string().min(1),
    repositoryId: positiveInt,
    /** Null for a scheduled task without an issue. */
    issueNumber: positiveInt.nullable(),
    pullRequest: z.boolean(),
    requester: z.string(),
    htmlUrl: z.string(),
  }),
  checkout: z.object({
    sha: z
      .string()
      .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a full commit id (40 or 64 lower-case hex digits)'),
    branch: z.string(),
  }),
  engine: z.object({
    name: z.string().min(1),
    command: z.string().nullable(),
    model: z.string().nullable(),
    version: z.string().nullable(),
    /** `required`: refuse to run an engine that cannot get an OS user of its own (agent.yml engine-isolation). */
    isolation: z.enum(ENGINE_ISOLATION).default('preferred'),
  }),
  prompt: z.string(),
  /** The pipeline step this run is (null: a single run). A read-only step's changes are discarded. */
  step: z
    .object({
      pipeline: z.string(),
      name: z.string(),
      index: z.number().int().nonnegative(),
      count: positiveInt,
      round: positiveInt,
      handoff: z.enum(['plan', 'summary', 'diff', 'review']),
      readOnly: z.boolean(),
    })
    .nullable()
    .optional(),
  /**
   * What earlier steps handed on: their texts (also in the prompt, verbatim) and the change of
   * the last diff step, which the action applies to the checkout before the engine starts.
   */
  handoff: z
    .object({
      received: z.array(
        z.object({
          step: z.string(),
          kind: z.enum(['plan', 'summary', 'diff', 'review']),
          sha256: z.string(),
          text: z.string(),
        }),
      ),
      changes: z.array(changeSchema),
    })
    .nullable()
    .optional(),
  limits: z.object({
    timeoutMinutes: z.number().positive(),
    maxTurns: nonNegative,
    maxCostUsd: nonNegative,
    maxFiles: nonNegative,
    maxFileBytes: nonNegative,
    maxResultBytes: positiveInt,
  }),
});
export type TaskSpec = z.output<typeof taskSpecSchema>;

export type SpecCheck = { ok: true; spec: TaskSpec } | { ok: false; problems: string[] };

/** Validates a spec for the job of `expectedTaskId`; every problem named by its field. */
export function checkTaskSpec(json: unknown, expectedTaskId: number): SpecCheck {
  const parsed = taskSpecSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'spec'}: ${issue.message}`),
    };
  }
  if (parsed.data.task.id !== expectedTaskId) {
    return {
      ok: false,
      problems: [`task.id is ${parsed.data.task.id} but this job runs task ${expectedTaskId}`],
    };
  }
  return { ok: true, spec: parsed.data };
}
