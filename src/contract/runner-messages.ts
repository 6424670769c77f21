// What the job sends besides its result, and what the App answers (docs/runner-api.md).
import { z } from 'zod';

/** POST …/events: how far the engine is (shown in the sticky comment). */
export const progressEventSchema = z.object({
  type: z.literal('progress'),
  turns: z.number().int().nonnegative().nullable().optional(),
  lastTool: z.string().max(100).nullable().optional(),
  message: z.string().max(500).nullable().optional(),
});
export type ProgressEvent = z.input<typeof progressEventSchema>;

/**
 * GET …/tasks/{id}: where the task is now. `state` is one of TASK_STATES; a reader treats a
 * state it does not know (a newer App) as not terminal.
 */
export const taskStatusSchema = z.object({
  id: z.number().int().positive(),
  state: z.string(),
  prUrl: z.string().nullable(),
  error: z.string().nullable(),
});
export type TaskStatus = z.output<typeof taskStatusSchema>;

/** POST …/result: the App's answer. */
export const resultAnswerSchema = z.object({ state: z.string() });

/** Every refusal of the runner API: a stable code and a sentence for the job log. */
export const runnerErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type RunnerError = z.output<typeof runnerErrorSchema>;
