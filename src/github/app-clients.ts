// The App's GitHub clients as the configuration sets them up (one call for the queue workers and
// the HTTP tier).
import type { AppConfig, GitHubAppCredentials } from '../platform/config/read-config.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { createGitHubClients, type GitHubClients } from './octokit.ts';

export function appGitHubClients(
  config: AppConfig,
  credentials: GitHubAppCredentials,
  pool: Db,
  log: Logger,
  /** Aborted at shutdown: no GitHub request is sent after that. */
  stop: AbortSignal,
): GitHubClients {
  return createGitHubClients(
    {
      appId: credentials.appId,
      privateKey: credentials.privateKey,
      baseUrl: config.githubApiUrl,
    },
    log,
    { pool, limits: config.reliability.githubWrites, signal: stop },
  );
}
