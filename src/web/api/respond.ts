// Every API answer passes the schema the OpenAPI document is generated from, so the document and
// the answers cannot drift apart; request problems are answered as problem+json.
import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { problemSchema } from '../problem.ts';

export function answer<S extends z.ZodType>(
  c: Context,
  schema: S,
  body: z.input<S>,
  status: 200 | 201 | 202 = 200,
): Response {
  return c.json(schema.parse(body) as object, status);
}

/** OpenAPIHono's hook for requests that do not validate: the first problem, by field. */
export function invalidRequest(
  result: { success: true } | { success: false; error: z.ZodError },
): AppError | undefined {
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  return new AppError('bad_request', {
    reason: `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`,
  });
}

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** The problem answers a route can give, for its OpenAPI description. */
export function problems(...statuses: (400 | 401 | 403 | 404 | 409 | 429 | 502)[]) {
  const text: Record<number, string> = {
    400: 'The request does not validate (`bad_request`).',
    401: 'Not signed in, or the bearer token is not accepted (`unauthenticated`).',
    403: 'CSRF check failed (`csrf_refused`), or the action is not allowed to you (`not_allowed`).',
    404: 'No such task or repository, or one you cannot see (`not_found`).',
    409: 'The task is not in a state that allows this (`cannot_manage`).',
    429: 'A budget is spent (`budget_exhausted`).',
    502: 'GitHub could not be asked what you may see (`github_unavailable`).',
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: text[s]!, content: problemContent }]));
}
