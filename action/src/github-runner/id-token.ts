// Asks the runner for the job's OIDC token — the same request as @actions/core `getIDToken`:
// GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=<aud> with the request token as bearer.
import { ActionError, errorMessage } from '../action-error.ts';
import { isRetryableStatus } from '../runner-api/retry.ts';

type Env = Record<string, string | undefined>;

export type IdTokenRequester = (audience: string) => Promise<string>;

export function createIdTokenRequester(env: Env, fetchImpl: typeof fetch = fetch): IdTokenRequester {
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  return async (audience) => {
    if (!requestUrl || !requestToken) {
      throw new ActionError(
        'no-id-token',
        'The job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): give the job `permissions: { contents: read, id-token: write }` as in workflows-templates/agent.yml.',
      );
    }
    const url = new URL(requestUrl);
    url.searchParams.set('audience', audience);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ActionError(
        'id-token-failed',
        `The runner's OIDC token service did not answer: ${errorMessage(error)}`,
        {
          cause: error,
          transient: true,
        },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new ActionError(
        'id-token-failed',
        `The runner refused to issue an OIDC token (HTTP ${response.status}): ${text.slice(0, 300)}`,
        { transient: isRetryableStatus(response.status) },
      );
    }
    let value: unknown;
    try {
      value = (JSON.parse(text) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string' || value === '') {
      throw new ActionError('id-token-failed', 'The runner answered the OIDC token request without a token.');
    }
    return value;
  };
}
