// The queue's work for this process: GitHub clients with their shared write pacing, Probot as the
// router of webhook events to flows, and the job table wrapped in the failure and deferral rules.
import type { TaskList } from 'graphile-worker';
import { Probot } from 'probot';
import type { AppDeps } from '../flows/app-deps.ts';
import { appGitHubClients } from '../github/app-clients.ts';
import type { AppConfig, GitHubAppCredentials } from '../platform/config/read-config.ts';
import type { Db } from '../platform/db/pool.ts';
import type { Logger } from '../platform/logging/create-logger.ts';
import { deferWhenPaced } from '../queue/defer-paced.ts';
import { appTasks } from '../queue/job-table.ts';
import { agentDispatchApp } from './webhook-handlers.ts';

export async function composeJobs(
  config: AppConfig,
  credentials: GitHubAppCredentials,
  pool: Db,
  log: Logger,
  /** Aborted at shutdown: no GitHub request is sent after that. */
  githubStop: AbortSignal,
): Promise<TaskList> {
  const github = appGitHubClients(config, credentials, pool, log, githubStop);
  const deps: AppDeps = { pool, log, config, github };
  const probot = new Probot({
    appId: credentials.appId,
    privateKey: credentials.privateKey,
    secret: credentials.webhookSecret,
    baseUrl: config.githubApiUrl,
    log: log.child({ component: 'probot' }) as never,
  });
  await probot.load(agentDispatchApp(deps));
  return deferWhenPaced(pool, log, appTasks(deps, probot));
}
