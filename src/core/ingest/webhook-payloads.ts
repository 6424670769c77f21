// The parts of webhook payloads the flows read, as zod schemas: checked once where a flow takes a
// payload, so a correctly signed but malformed delivery (an id missing or not a whole number, no
// repository owner, a name that is no GitHub name) ends at once as a permanent failure with its
// reason — never a retried job, never a request to `/repos//…`. Pure.
import { z } from 'zod';
import { AppError } from '../errors.ts';

/** A GitHub id: a whole, positive, safe integer. */
export const githubId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Logins and repository names as GitHub spells them (letters, digits, `-`, `_`, `.`). */
const name = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, { error: 'is not a GitHub name' })
  .refine((v) => v !== '.' && v !== '..', { error: 'is not a GitHub name' });
const login = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(?:\[bot\])?$/, {
  error: 'is not a GitHub login',
});

export const installationShape = z.object({ id: githubId });
export const repositoryShape = z.object({
  id: githubId,
  name,
  owner: z.object({ login: name }),
  default_branch: z.string().min(1).max(255).optional(),
});

const timestamp = z.string().refine((v) => !Number.isNaN(Date.parse(v)), { error: 'is not a time' });
const body = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

export const commentPayloadShape = z.object({
  action: z.string(),
  installation: installationShape,
  repository: repositoryShape,
  comment: z.object({
    id: githubId,
    body,
    created_at: timestamp.optional(),
    updated_at: timestamp.optional(),
    user: z.object({ login, id: githubId, type: z.string().min(1) }),
  }),
  changes: z.object({ body: z.object({ from: body }).optional() }).optional(),
});

export const threadShape = z.object({
  number: githubId,
  title: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  body,
  html_url: z.string().optional(),
  pull_request: z.unknown().optional(),
});

const workflowPayloadShape = z.object({ action: z.string(), repository: z.object({ id: githubId }) });

export const workflowRunPayloadShape = workflowPayloadShape.extend({
  workflow_run: z.looseObject({ id: githubId }),
});

export const workflowJobPayloadShape = workflowPayloadShape.extend({
  workflow_job: z.looseObject({ id: githubId, run_id: githubId }),
});

export const pullPayloadShape = z.object({
  installation: installationShape,
  repository: repositoryShape,
  pull_request: z.object({ number: githubId }),
});

/** The payload as `schema` reads it, or a permanent `malformed_payload` error naming the field. */
export function readPayload<S extends z.ZodType>(schema: S, event: string, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'the payload'}: ${issue.message}`);
  throw new AppError('malformed_payload', { event, reason: issues.join('; ') });
}
