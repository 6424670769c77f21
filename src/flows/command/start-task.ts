// `/agent <prompt>`: check who asks and what, then record the task. Everything after — the
// reaction, the status comment, the dispatch — follows from the queue.

import { decideRunAccess } from '../../core/access/decide-access.ts';
import type { Command } from '../../core/command/parse-command.ts';
import {
  engineNotAllowed,
  forkPullRequest,
  notPermitted,
  promptTooLong,
  rateLimited,
} from '../../core/render/messages.ts';
import { allowedEngines, type RepoConfig } from '../../core/repo-config/schema.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readPermission } from '../../github/read-permission.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { createTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import type { CommandSource } from './command-source.ts';

export type StartTaskInput = {
  source: CommandSource;
  octokit: Octokit;
  config: RepoConfig;
  command: Extract<Command, { kind: 'run' }>;
  reply: (body: string) => Promise<void>;
  log: Logger;
};

/** On a pull request: refuse forks; recognise the agent's own pull requests for follow-ups. */
async function pullRequestContext(
  deps: AppDeps,
  octokit: Octokit,
  source: CommandSource,
): Promise<{ fork: boolean; followUp?: { pr: number; branch: string } }> {
  const { data: pr } = await octokit.rest.pulls.get({
    owner: source.repo.owner,
    repo: source.repo.name,
    pull_number: source.issue.number,
  });
  if (pr.head.repo?.id !== pr.base.repo.id) return { fork: true };
  const published = await deps.pool.query(
    `SELECT 1 FROM tasks WHERE repo_id = $1 AND pr_number = $2 AND branch = $3 LIMIT 1`,
    [source.repo.id, pr.number, pr.head.ref],
  );
  if (published.rowCount && pr.state === 'open')
    return { fork: false, followUp: { pr: pr.number, branch: pr.head.ref } };
  return { fork: false };
}

/** True for the delivery that first claims `key` (again on that delivery's retries). */
async function claimNotice(deps: AppDeps, key: string, deliveryId: string): Promise<boolean> {
  const claimed = await deps.pool.query<{ result: string }>(
    `INSERT INTO github_effects (key, state, result) VALUES ($1, 'done', to_jsonb($2::text))
     ON CONFLICT (key) DO UPDATE SET updated_at = github_effects.updated_at
     RETURNING result #>> '{}' AS result`,
    [key, deliveryId],
  );
  return claimed.rows[0]?.result === deliveryId;
}

export async function startTask(deps: AppDeps, input: StartTaskInput): Promise<void> {
  const { source, octokit, config, command, reply, log } = input;
  const limit = config.limits['max-prompt-chars'];
  if (command.prompt.length > limit) {
    await reply(promptTooLong(command.prompt.length, limit));
    return;
  }
  const engine = command.flags.engine ?? config.engine;
  if (!allowedEngines(config).includes(engine as never)) {
    await reply(engineNotAllowed(engine, allowedEngines(config)));
    return;
  }
  let followUp: { pr: number; branch: string } | undefined;
  if (source.issue.isPullRequest) {
    const context = await pullRequestContext(deps, octokit, source);
    if (context.fork) {
      log.info('command on a fork pull request refused');
      await reply(forkPullRequest());
      return;
    }
    followUp = context.followUp;
  }
  const permission = await readPermission(octokit, source);
  const access = decideRunAccess(source.sender, permission, config);
  if (access.decision === 'deny') {
    log.info({ role: access.role, reason: access.reason }, 'command refused');
    if (!access.silent) await reply(notPermitted(source.sender.login, access.reason));
    return;
  }

  const result = await createTask(
    deps.pool,
    {
      installationId: source.installationId,
      repoId: source.repo.id,
      repoOwner: source.repo.owner,
      repoName: source.repo.name,
      issueNumber: source.issue.number,
      isPullRequest: source.issue.isPullRequest,
      commentKind: source.comment.kind,
      commentId: source.comment.id,
      deliveryId: source.deliveryId,
      requesterLogin: source.sender.login,
      requesterId: source.sender.id,
      prompt: command.prompt,
      issueTitle: source.issue.title,
      engine,
      settings: config,
      state: access.decision === 'allow' ? 'queued' : 'awaiting_approval',
      followUpOfPr: followUp?.pr ?? null,
      branch: followUp?.branch ?? null,
    },
    { perUserPerHour: config['rate-limit']['per-user-per-hour'] },
  );
  if ('rateLimited' in result) {
    log.info({ limit: result.rateLimited.limit }, 'command held back by the per-user rate limit');
    // Said once per user and window: a flood of requests must not become a flood of replies.
    const notice = `rate-limit-notice:${source.repo.id}:${source.sender.id}:${result.rateLimited.retryAt.toISOString()}`;
    if (await claimNotice(deps, notice, source.deliveryId))
      await reply(rateLimited(source.sender.login, result.rateLimited.limit, result.rateLimited.retryAt));
    return;
  }
  log.info({ taskId: result.task.id, state: result.task.state, created: result.created }, 'task recorded');
}
