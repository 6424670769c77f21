// Hands out the job's OIDC token for the App, asking the runner for a fresh one when the
// cached token is about to expire (uploads of a large result can take a while).
import { ActionError } from '../action-error.ts';
import type { IdTokenRequester } from '../github-runner/id-token.ts';
import type { Log } from '../github-runner/workflow-commands.ts';
import { type RetryOptions, withRetry } from './retry.ts';

export type TokenSource = { get(): Promise<string> };

/** A token with less than this left is replaced before it is sent. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Assumed lifetime when a token's `exp` cannot be read. */
const FALLBACK_LIFETIME_MS = 4 * 60_000;

/** `exp` of a JWT in milliseconds, read without verifying (the App verifies). */
export function tokenExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function createTokenSource(options: {
  audience: string;
  request: IdTokenRequester;
  log: Log;
  now?: () => number;
  retry?: Omit<RetryOptions, 'classify'>;
}): TokenSource {
  const now = options.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | undefined;
  return {
    async get() {
      if (cached && cached.expiresAt - now() > TOKEN_REFRESH_MARGIN_MS) return cached.token;
      const token = await withRetry(() => options.request(options.audience), {
        ...options.retry,
        classify: (error) =>
          error instanceof ActionError && error.transient
            ? { retry: true, reason: error.message }
            : { retry: false },
        onRetry: (reason, delay) =>
          options.log.warning(
            `OIDC token request failed, retrying in ${Math.ceil(delay / 1000)} s: ${reason}`,
          ),
      });
      options.log.mask(token);
      cached = { token, expiresAt: tokenExpiry(token) ?? now() + FALLBACK_LIFETIME_MS };
      return token;
    },
  };
}
