// Errors of the API as application/problem+json (RFC 9457), from the one error model: the code
// gives the `type` (stable), the status and the sentence (`detail`).
import type { Context } from 'hono';
import { z } from 'zod';
import { AppError, type ErrorCode } from '../core/errors.ts';

export const PROBLEM_TYPE_PREFIX = 'urn:agent-dispatch:problem:';

export const problemSchema = z
  .object({
    type: z.string().describe(`${PROBLEM_TYPE_PREFIX}<code>, one per error code (docs/api.md)`),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.output<typeof problemSchema>;

function titleOf(code: ErrorCode): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function problemOf(error: AppError, instance?: string): Problem {
  return {
    type: `${PROBLEM_TYPE_PREFIX}${error.code}`,
    title: titleOf(error.code),
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
  };
}

export function problemResponse(c: Context, error: AppError): Response {
  const problem = problemOf(error, new URL(c.req.url).pathname);
  if (error.code === 'unauthenticated') c.header('www-authenticate', 'Bearer realm="agent-dispatch"');
  return c.body(JSON.stringify(problem), error.status, { 'content-type': 'application/problem+json' });
}

/** Anything thrown in a web route: an AppError as its problem, the rest as a 500 without details. */
export function problemFromThrown(c: Context, error: unknown): Response {
  if (error instanceof AppError) return problemResponse(c, error);
  const problem = {
    type: 'about:blank',
    title: 'Internal server error',
    status: 500,
    detail: 'Something went wrong on the App; it is logged. Try again.',
    code: 'internal',
  };
  return c.body(JSON.stringify(problem), 500, { 'content-type': 'application/problem+json' });
}
