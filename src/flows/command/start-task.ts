// `/agent <prompt>`: gather the facts, let decideStart answer, then record the task or say why
// not. Everything after — the reaction, the status comment, the dispatch — follows from the queue.
import { decideStart } from '../../core/command/decide-start.ts';
import type { Command } from '../../core/command/parse-command.ts';
import { errorMessage } from '../../core/errors.ts';
import { resolvePipeline } from '../../core/pipeline/pipeline.ts';
import type { RepoConfig } from '../../core/repo-config/schema.ts';
import type { Octokit } from '../../github/octokit.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';
import { claimOnce } from '../../store/effects.ts';
import { createTask } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { userBudgetRefusal } from '../dispatch/user-budget.ts';
import type { CommandSource } from './command-source.ts';
import { type RunReads, threadOfCommand } from './read-ahead.ts';

export type StartTaskInput = {
  source: CommandSource;
  octokit: Octokit;
  config: RepoConfig;
  command: Extract<Command, { kind: 'run' }>;
  reply: (body: string) => Promise<void>;
  log: Logger;
  /** The reads started beside the config's (read-ahead.ts). */
  ahead: RunReads;
};

export async function startTask(deps: AppDeps, input: StartTaskInput): Promise<void> {
  const { source, octokit, config, reply, log, ahead } = input;
  let command = input.command;
  // `/agent plan …`, `/agent run <pipeline> …`: the pipeline's steps are frozen with the task.
  let pipeline = command.pipeline
    ? resolvePipeline(command.pipeline, config, command.flags.engine)
    : undefined;
  if (command.pipeline && !pipeline) {
    if (command.asPrompt === undefined) {
      const defined = Object.keys(config.pipelines ?? {});
      await reply(errorMessage('pipeline_not_found', { name: command.pipeline, defined }));
      return;
    }
    // `/agent run the tests`: no pipeline is named `the`, so it is a request like any other.
    command = { kind: 'run', prompt: command.asPrompt, flags: command.flags };
    pipeline = undefined;
  }
  const [context, permission] = await Promise.all([ahead.context, ahead.permission]);
  const decision = decideStart({
    command,
    config,
    sender: source.sender,
    permission: context.fromFork ? null : permission,
    fromFork: context.fromFork,
  });
  if (decision.kind === 'refuse') {
    log.info({ ...decision.error.logFields(), sender: source.sender.login }, 'command refused');
    if (!decision.silent) await reply(decision.error.message);
    return;
  }
  const overBudget = await userBudgetRefusal(deps.pool, config, source.repo.id, source.sender);
  if (overBudget) {
    log.info({ ...overBudget.logFields(), sender: source.sender.login }, 'command refused');
    await reply(overBudget.message);
    return;
  }
  // Fixed now, for every task: nothing written on the thread after the request reaches the agent.
  const thread = (await ahead.thread) ?? (await threadOfCommand(octokit, source));
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
      issueTitle: thread.title,
      thread,
      engine: pipeline ? pipeline.steps[0]!.engine : decision.engine,
      pipeline: pipeline ?? null,
      settings: config,
      state: decision.state,
      followUpOfPr: context.followUp?.pr ?? null,
      branch: context.followUp?.branch ?? null,
      // The default branch as the webhook names it: the dispatch need not read the repository.
      baseBranch: source.repo.defaultBranch,
    },
    { perUserPerHour: config['rate-limit']['per-user-per-hour'] },
  );
  if ('rateLimited' in result) {
    const { limit, retryAt } = result.rateLimited;
    log.info({ limit }, 'command held back by the per-user rate limit');
    // Said once per user and window: a flood of requests must not become a flood of replies.
    const notice = `rate-limit-notice:${source.repo.id}:${source.sender.id}:${retryAt.toISOString()}`;
    if (await claimOnce(deps.pool, notice, source.deliveryId))
      await reply(errorMessage('rate_limited', { login: source.sender.login, limit, retryAt }));
    return;
  }
  log.info({ taskId: result.task.id, state: result.task.state, created: result.created }, 'task recorded');
}
