// Asks the runner for the job's OIDC token with @actions/core `getIDToken` (which also masks
// it). Only a missing permission is checked here first, to say how to fix it.
import * as core from '@actions/core';
import { ActionError, errorMessage } from '../action-error.ts';

type Env = Record<string, string | undefined>;

export type IdTokenRequester = (audience: string) => Promise<string>;

export function createIdTokenRequester(env: Env): IdTokenRequester {
  return async (audience) => {
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      throw new ActionError(
        'no-id-token',
        'The job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set): give the job `permissions: { contents: read, id-token: write }` as in workflows-templates/agent.yml.',
      );
    }
    try {
      return await core.getIDToken(audience);
    } catch (error) {
      // getIDToken has retried already (its HTTP client retries transient failures).
      throw new ActionError(
        'id-token-failed',
        `The runner did not issue an OIDC token: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
  };
}
