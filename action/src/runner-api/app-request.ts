// One call to the App's runner API, no retries (runner-api-client.ts adds them): the job's
// OIDC token as bearer, JSON both ways, at most two minutes. A success gives its JSON body
// (undefined when empty); no answer is a transient ActionError; any other answer an AppRefusal.
import { ActionError, errorMessage } from '../action-error.ts';
import { refusalOf } from './app-refusal.ts';
import type { TokenSource } from './token-source.ts';

const REQUEST_TIMEOUT_MS = 120_000;

/** Where the task's calls go: `<app>/api/runner/v1/tasks/<id>`. */
export type TaskEndpoint = { base: string; tokens: TokenSource; fetch: typeof fetch; now: () => number };

export type AppRequest = { method: string; path: string; body: string | undefined };

export async function requestApp(endpoint: TaskEndpoint, request: AppRequest): Promise<unknown> {
  const token = await endpoint.tokens.get();
  const where = `${request.method} ${new URL(endpoint.base + request.path).pathname}`;
  const response = await send(endpoint, request, token, where);
  const text = await response.text().catch(() => '');
  if (!response.ok) throw refusalOf(where, response, text, endpoint.now());
  return readJsonBody(where, response.status, text);
}

async function send(
  endpoint: TaskEndpoint,
  request: AppRequest,
  token: string,
  where: string,
): Promise<Response> {
  try {
    return await endpoint.fetch(endpoint.base + request.path, {
      method: request.method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'user-agent': 'agent-dispatch-action',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: request.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ActionError(
      'app-unreachable',
      `${where}: the App did not answer (${describeNetworkError(error)})`,
      {
        cause: error,
        transient: true,
      },
    );
  }
}

function readJsonBody(where: string, status: number, text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ActionError('bad-spec', `${where}: the App answered ${status} with a body that is not JSON`);
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}
