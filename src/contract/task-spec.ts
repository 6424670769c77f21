// What the job is told to do (GET /api/runner/v1/tasks/{id}/spec, docs/runner-api.md). The App
// builds it at dispatch; the action validates it before acting on it.
import { z } from 'zod';

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
    issueNumber: positiveInt,
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
