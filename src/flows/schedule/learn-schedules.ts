// Learns a repository's schedules from its default branch's `.github/agent.yml`: when the App is
// installed (or the repository added to it) and when a push changes that file. A file that does
// not validate changes nothing (its schedules skip with the reason when they fire).
import { createHash } from 'node:crypto';
import { firstDue } from '../../core/schedule/decide-tick.ts';
import { loadRepoConfig } from '../../github/load-repo-config.ts';
import { type LearnedSchedule, replaceSchedules } from '../../store/schedules.ts';
import type { AppDeps } from '../app-deps.ts';

export type ScheduledRepo = { installationId: number; id: number; owner: string; name: string };

export function scheduleKey(repoId: number, name: string): string {
  return `${repoId}:${name}`;
}

export async function learnSchedules(deps: AppDeps, repo: ScheduledRepo, sha: string | null = null) {
  const loaded = await loadRepoConfig(
    deps.github.forConfig(repo.installationId, repo.owner),
    repo.owner,
    repo.name,
  );
  const log = deps.log.child({ repo: `${repo.owner}/${repo.name}` });
  if (!loaded.ok) {
    log.info({ issues: loaded.issues }, 'schedules not learned: the config is invalid');
    return undefined;
  }
  const now = new Date();
  const learned: LearnedSchedule[] = loaded.config.schedules.map((definition) => ({
    name: definition.name,
    definition,
    digest: createHash('sha256').update(JSON.stringify(definition)).digest('hex'),
    next: firstDue(
      { ...definition, key: scheduleKey(repo.id, definition.name), lastSlotAt: null, learnedAt: now },
      now,
    ),
  }));
  const report = await replaceSchedules(deps.pool, { ...repo, sha }, learned);
  log.info(report, 'schedules learned');
  return report;
}
