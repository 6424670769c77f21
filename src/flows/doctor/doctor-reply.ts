// `/agent doctor` on an issue: the repository's setup and the App's, as a ✓/✗ checklist with the
// fix for each ✗. And the same checklist for a repository's first `/agent` task when something
// that would make it fail later is missing, instead of a task that fails.
import { atLeast, roleOf } from '../../core/access/decide-access.ts';
import { decideAppChecks } from '../../core/doctor/app-checks.ts';
import { renderMarkdown, type Section } from '../../core/doctor/checks.ts';
import { decideRepoChecks } from '../../core/doctor/repo-checks.ts';
import { errorMessage } from '../../core/errors.ts';
import { webhookUrl } from '../../core/setup/app-manifest.ts';
import type { LoadedRepoConfig } from '../../github/load-repo-config.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readPermission } from '../../github/read-permission.ts';
import { migrationNames } from '../../platform/db/migrate.ts';
import { pendingMigrations } from '../../store/health.ts';
import { repoHasTasks } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import type { CommandSource } from '../command/command-source.ts';
import { readGitHubFacts } from './read-app-facts.ts';
import { readRepoFacts } from './read-repo-facts.ts';

export type DoctorInput = {
  source: CommandSource;
  octokit: Octokit;
  loaded: LoadedRepoConfig;
  reply(body: string): Promise<void>;
};

function repoRef(source: CommandSource) {
  return {
    installationId: source.installationId,
    id: source.repo.id,
    owner: source.repo.owner,
    name: source.repo.name,
  };
}

async function appSection(deps: AppDeps, source: CommandSource): Promise<Section> {
  const { config } = deps;
  const database = await pendingMigrations(deps.pool).then(
    (pending) => ({ ok: true as const, applied: migrationNames().length - pending.length, pending }),
    (error: unknown) => ({ ok: false as const, reason: (error as Error).message }),
  );
  const github = await readGitHubFacts(deps.github.app(), {
    apiUrl: config.githubApiUrl,
    installationId: source.installationId,
  });
  const facts = {
    config: {
      ok: true as const,
      mode: config.mode,
      publicUrl: config.publicUrl,
      webhookUrl: webhookUrl(config),
    },
    database,
    ...github,
  };
  return {
    title: 'The App (deliveries: this installation only)',
    checks: decideAppChecks(facts, new Date()),
  };
}

export async function answerDoctor(deps: AppDeps, input: DoctorInput): Promise<void> {
  const { source } = input;
  const permission = await readPermission(input.octokit, source);
  if (!atLeast(roleOf(permission), 'write')) {
    await input.reply(
      errorMessage('not_permitted', {
        login: source.sender.login,
        reason: '`/agent doctor` answers people with write access to the repository',
      }),
    );
    return;
  }
  const repoFacts = await readRepoFacts(deps.github, repoRef(source), input.loaded);
  const sections: Section[] = [
    { title: `This repository (${repoFacts.fullName})`, checks: decideRepoChecks(repoFacts, deps.config) },
    await appSection(deps, source),
  ];
  await input.reply(renderMarkdown('**Agent Dispatch doctor**', sections));
}

/**
 * For a repository that never had a task: the checklist when something its first task needs is
 * missing (the workflow, the environment holding the engine key, …), undefined when it is set up.
 */
export async function setupChecklist(
  deps: AppDeps,
  source: CommandSource,
  loaded: LoadedRepoConfig,
): Promise<string | undefined> {
  if (await repoHasTasks(deps.pool, source.repo.id)) return undefined;
  const facts = await readRepoFacts(deps.github, repoRef(source), loaded);
  const checks = decideRepoChecks(facts, deps.config);
  if (!checks.some((check) => check.status === 'fail' && check.blocking)) return undefined;
  return renderMarkdown(
    'This repository is not set up for Agent Dispatch yet, so the task was not started. Fix the ✗ below and comment again; `/agent doctor` checks without starting a task.',
    [{ title: `Setup of ${facts.fullName}`, checks }],
  );
}
