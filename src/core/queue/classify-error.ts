// Whether a failed job should be retried by the queue (a passing fault) or given up at once
// (retrying the same request cannot help).
import { isAppError } from '../errors.ts';

type HttpError = {
  status?: number;
  response?: { headers?: Record<string, string | undefined> };
  message?: string;
};

export function isTransient(error: unknown): boolean {
  if (isAppError(error)) return !error.permanent;
  const http = error as HttpError;
  const status = http.status;
  if (status === undefined) return true; // network, timeout, database
  if (status >= 500 || status === 429 || status === 408) return true;
  if (status === 403) {
    const headers = http.response?.headers ?? {};
    return (
      headers['retry-after'] !== undefined ||
      headers['x-ratelimit-remaining'] === '0' ||
      /rate limit/i.test(http.message ?? '')
    );
  }
  return false;
}
