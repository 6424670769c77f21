import type { GitHubClients } from '../github/octokit.ts';
import type { AppConfig } from '../platform/config/read-config.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';

/** What the App's services need, built once per process. */
export type AppDeps = {
  pool: Db;
  log: Logger;
  config: AppConfig;
  github: GitHubClients;
};
