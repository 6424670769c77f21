import type { AppConfig } from '../config/read-config.ts';
import type { Db } from '../db/pool.ts';
import type { GitHubClients } from '../github/octokit.ts';
import type { Logger } from '../logging/create-logger.ts';

/** What the App's services need, built once per process. */
export type AppDeps = {
  pool: Db;
  log: Logger;
  config: AppConfig;
  github: GitHubClients;
};
