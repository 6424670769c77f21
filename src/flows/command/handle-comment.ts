// A comment that may carry an `/agent` command: parse it, read the repository's config, and
// hand it to the service for that command. Bots never get this far.

import { isAutomation } from '../../core/access/decide-access.ts';
import { helpText } from '../../core/command/help-text.ts';
import { parseCommand } from '../../core/command/parse-command.ts';
import { errorMessage } from '../../core/errors.ts';
import { repliesPaused } from '../../core/render/notices.ts';
import { allowedEngines, parseRepoConfig, type RepoConfig } from '../../core/repo-config/schema.ts';
import { loadRepoConfig } from '../../github/load-repo-config.ts';
import type { AppDeps } from '../app-deps.ts';
import { answerDoctor, setupChecklist } from '../doctor/doctor-reply.ts';
import { reactOnce } from '../feedback/react.ts';
import { replyOnce } from '../feedback/reply.ts';
import { claimReply } from '../feedback/reply-budget.ts';
import { schedulesReply } from '../schedule/schedule-report.ts';
import type { CommandSource } from './command-source.ts';
import { manageTask } from './manage-task.ts';
import { readAhead } from './read-ahead.ts';
import { PARSE_LIMIT } from './revise-request.ts';
import { startTask } from './start-task.ts';
import { statusReply } from './status-reply.ts';

function defaults(): RepoConfig {
  const parsed = parseRepoConfig({});
  if (!parsed.ok) throw new Error('the default configuration does not validate');
  return parsed.config;
}

export async function handleCommandComment(deps: AppDeps, source: CommandSource): Promise<void> {
  const log = deps.log.child({
    deliveryId: source.deliveryId,
    repo: `${source.repo.owner}/${source.repo.name}`,
  });
  if (isAutomation(source.sender)) {
    log.debug({ sender: source.sender.login }, 'command from a bot ignored');
    return;
  }
  const parsed = parseCommand(source.comment.body, PARSE_LIMIT);
  if (!parsed.found) return;

  const octokit = deps.github.forRepo(source.installationId, source.repo.id, 'respond');
  const target = { owner: source.repo.owner, repo: source.repo.name, issueNumber: source.issue.number };
  // A task's other reads go out now, beside the config's (read-ahead.ts).
  const ahead = parsed.ok && parsed.command.kind === 'run' ? readAhead(deps, octokit, source) : undefined;
  const configReader = deps.github.forConfig(source.installationId, source.repo.owner);
  const loaded = await loadRepoConfig(configReader, source.repo.owner, source.repo.name);
  const config = loaded.ok ? loaded.config : defaults();
  const perHour = config['rate-limit']['replies-per-user-per-hour'];
  const reply = async (body: string) => {
    const claim = await claimReply(deps.pool, {
      deliveryId: source.deliveryId,
      repoId: source.repo.id,
      userId: source.sender.id,
      perHour,
    });
    if (!claim.allowed) {
      log.info({ sender: source.sender.login, perHour }, 'reply held back by the per-user reply limit');
      await reactOnce(
        deps.pool,
        octokit,
        {
          owner: source.repo.owner,
          repo: source.repo.name,
          kind: source.comment.kind,
          id: source.comment.id,
        },
        'confused',
      );
      return;
    }
    const notice = claim.last ? `\n\n${repliesPaused(source.sender.login, perHour, claim.resetAt)}` : '';
    await replyOnce(deps.pool, octokit, target, source.deliveryId, body + notice);
  };
  const help = () => helpText({ engines: allowedEngines(config), defaultEngine: config.engine });

  if (!parsed.ok) {
    log.info({ error: parsed.error }, 'malformed command');
    await reply(errorMessage('malformed_command', { error: parsed.error, help: help() }));
    return;
  }
  const command = parsed.command;
  log.info({ command: command.kind, sender: source.sender.login }, 'command received');
  // Cancelling, listing and the doctor must work even when the config file is broken.
  const worksUnconfigured = ['cancel', 'status', 'doctor', 'schedules'].includes(command.kind);
  if (!loaded.ok && !worksUnconfigured) {
    await reply(errorMessage('invalid_config', { issues: loaded.issues }));
    return;
  }
  switch (command.kind) {
    case 'help':
      await reply(help());
      return;
    case 'status':
      await reply(await statusReply(deps.pool, source));
      return;
    case 'doctor':
      await answerDoctor(deps, { source, octokit, loaded, reply });
      return;
    case 'run': {
      // A repository's first task: when its setup lacks what the task needs, the checklist.
      const checklist = await setupChecklist(deps, source, loaded);
      if (checklist) await reply(checklist);
      else
        await startTask(deps, {
          source,
          octokit,
          config,
          command,
          reply,
          log,
          ahead: ahead ?? readAhead(deps, octokit, source),
        });
      return;
    }
    case 'schedules':
      await reply(await schedulesReply(deps.pool, source.repo.id));
      return;
    default:
      await manageTask(deps, { source, octokit, config, command, reply, log });
  }
}
