// The job's result: the change it proposes and its report, as posted to the runner API (see
// docs/runner-api.md). Untrusted on the App's side: every field is checked before use.
import { z } from 'zod';

export const FILE_MODES = ['100644', '100755', '120000', '160000'] as const;
export type FileMode = (typeof FILE_MODES)[number];

export const changeSchema = z.discriminatedUnion('status', [
  z.strictObject({
    path: z.string().min(1).max(4096),
    status: z.enum(['added', 'modified']),
    mode: z.enum(FILE_MODES),
    content: z.base64(),
  }),
  z.strictObject({ path: z.string().min(1).max(4096), status: z.literal('deleted') }),
]);
export type Change = z.output<typeof changeSchema>;

export const reportSchema = z.object({
  engine: z.string().max(100),
  engineVersion: z.string().max(100).nullable().default(null),
  model: z.string().max(200).nullable().default(null),
  turns: z.number().int().nonnegative().nullable().default(null),
  inputTokens: z.number().int().nonnegative().nullable().default(null),
  outputTokens: z.number().int().nonnegative().nullable().default(null),
  costUsd: z.number().nonnegative().nullable().default(null),
  durationMs: z.number().int().nonnegative().nullable().default(null),
  exitCode: z.number().int().nullable().default(null),
  summary: z.string().max(20_000).nullable().default(null),
  /** A plan step's plan (its engine's final message): what people approve and the next step receives. */
  plan: z.string().max(50_000).nullable().optional(),
  error: z.string().max(20_000).nullable().default(null),
});
export type Report = z.output<typeof reportSchema>;

export const OUTCOMES = ['completed', 'failed', 'timed_out', 'limit_reached'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const resultSchema = z.strictObject({
  outcome: z.enum(OUTCOMES),
  changes: z.array(changeSchema).max(100_000),
  patch: z.string(),
  report: reportSchema,
});
export type JobResult = z.output<typeof resultSchema>;
