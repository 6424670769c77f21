// Pull requests: open (from a branch or a fork), edit/close/reopen, keep the head in step with pushes.
import type { SimCore } from '../core.ts';
import { isAncestor, resolveCommit } from '../git/objects.ts';
import { writeRef } from '../git/refs.ts';
import { git } from '../git/run-git.ts';
import { type PullIssue, pullJson } from '../serialize/pull.ts';
import { HttpError, unprocessable } from '../server/http-error.ts';
import type { DeliveryRecord } from '../webhooks/delivery-log.ts';
import type { Actor } from './actor.ts';
import { isoNow } from './ids.ts';
import { type Emitted, newIssue } from './issues.ts';
import { accountByLogin, mustAccount, mustRepo, repoByName } from './store.ts';
import type { Repo } from './types.ts';

export type OpenPullFields = {
  head: string;
  base: string;
  title: string;
  body?: string | null;
  draft?: boolean;
  maintainerCanModify?: boolean;
};

function openPulls(sim: SimCore, repo: Repo): PullIssue[] {
  return [...sim.store.issues.values()].filter(
    (issue): issue is PullIssue => issue.repoId === repo.id && issue.pull !== null && issue.state === 'open',
  );
}

/** Resolves `branch` or `owner:branch` to the repository holding the head branch. */
export function resolveHead(sim: SimCore, repo: Repo, head: string): { headRepo: Repo; headRef: string } {
  const colon = head.indexOf(':');
  if (colon === -1) return { headRepo: repo, headRef: head };
  const ownerLogin = head.slice(0, colon);
  const headRef = head.slice(colon + 1);
  const owner = accountByLogin(sim.store, ownerLogin);
  if (owner && owner.id === repo.ownerId) return { headRepo: repo, headRef };
  for (const candidate of sim.store.repos.values()) {
    if (candidate.forkOfId === repo.id && candidate.ownerId === owner?.id)
      return { headRepo: candidate, headRef };
  }
  const sameName = owner ? repoByName(sim.store, owner.login, repo.name) : undefined;
  return { headRepo: sameName ?? repo, headRef };
}

export async function openPull(
  sim: SimCore,
  repo: Repo,
  actor: Actor,
  fields: OpenPullFields,
): Promise<Emitted<PullIssue>> {
  const { headRepo, headRef } = resolveHead(sim, repo, fields.head);
  const headSha = await resolveCommit(headRepo.gitDir, `refs/heads/${headRef}`);
  const baseSha = await resolveCommit(repo.gitDir, `refs/heads/${fields.base}`);
  if (!headSha)
    throw unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (!baseSha)
    throw unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  const label = `${mustAccount(sim.store, headRepo.ownerId).login}:${headRef}`;
  const duplicate = openPulls(sim, repo).find(
    (issue) =>
      issue.pull.headRepoId === headRepo.id &&
      issue.pull.headRef === headRef &&
      issue.pull.baseRef === fields.base,
  );
  if (duplicate) {
    throw unprocessable('Validation Failed', [
      { resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${label}.` },
    ]);
  }
  if (headRepo.id !== repo.id) {
    await git(repo.gitDir, ['fetch', '--quiet', headRepo.gitDir, `${headSha}`]);
  }
  if (headSha === baseSha || (await isAncestor(repo.gitDir, headSha, baseSha))) {
    throw unprocessable('Validation Failed', [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${fields.base} and ${headRef}`,
      },
    ]);
  }
  const issue = newIssue(sim, repo, actor, {
    title: fields.title,
    body: fields.body ?? null,
    pull: {
      headRepoId: headRepo.id,
      headRef,
      headSha,
      baseRef: fields.base,
      baseSha,
      draft: fields.draft ?? false,
      maintainerCanModify: fields.maintainerCanModify ?? headRepo.id !== repo.id,
      requestedReviewerIds: [],
      mergedAt: null,
    },
  }) as PullIssue;
  await writeRef(repo.gitDir, `refs/pull/${issue.number}/head`, headSha, null);
  return { value: issue, delivered: emitPull(sim, issue, 'opened', actor.userId) };
}

export function emitPull(
  sim: SimCore,
  issue: PullIssue,
  action: string,
  senderId: number,
  extra: Record<string, unknown> = {},
) {
  const repo = mustRepo(sim.store, issue.repoId);
  return sim.webhooks.emit({
    event: 'pull_request',
    action,
    repo,
    sender: mustAccount(sim.store, senderId),
    build: async () => ({ ...extra, number: issue.number, pull_request: await pullJson(sim, issue) }),
  });
}

export async function updatePull(
  sim: SimCore,
  issue: PullIssue,
  actor: Actor,
  fields: { title?: string; body?: string | null; state?: 'open' | 'closed'; base?: string },
): Promise<Emitted<PullIssue>> {
  const changes: Record<string, { from: unknown }> = {};
  if (fields.title !== undefined && fields.title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = fields.title;
  }
  if (fields.body !== undefined && fields.body !== issue.body) {
    changes.body = { from: issue.body ?? '' };
    issue.body = fields.body;
  }
  if (fields.base !== undefined && fields.base !== issue.pull.baseRef) {
    const repo = mustRepo(sim.store, issue.repoId);
    const baseSha = await resolveCommit(repo.gitDir, `refs/heads/${fields.base}`);
    if (!baseSha)
      throw unprocessable('Validation Failed', [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    changes.base = { from: { ref: issue.pull.baseRef, sha: issue.pull.baseSha } } as never;
    issue.pull.baseRef = fields.base;
    issue.pull.baseSha = baseSha;
  }
  const now = isoNow(sim.clock.now());
  issue.updatedAt = now;
  const sends: Promise<DeliveryRecord[]>[] = [];
  if (Object.keys(changes).length > 0) sends.push(emitPull(sim, issue, 'edited', actor.userId, { changes }));
  if (fields.state && fields.state !== issue.state) {
    issue.state = fields.state;
    issue.closedAt = fields.state === 'closed' ? now : null;
    sends.push(emitPull(sim, issue, fields.state === 'closed' ? 'closed' : 'reopened', actor.userId));
  }
  const delivered = Promise.all(sends).then((lists) => lists.flat());
  return { value: issue, delivered };
}

/** After a branch moved: open pull requests with that head follow it and send `synchronize`. */
export async function followHead(
  sim: SimCore,
  headRepo: Repo,
  branch: string,
  sha: string,
  senderId: number,
): Promise<DeliveryRecord[]> {
  const sends: Promise<DeliveryRecord[]>[] = [];
  for (const issue of sim.store.issues.values()) {
    if (!issue.pull || issue.state !== 'open') continue;
    if (issue.pull.headRepoId !== headRepo.id || issue.pull.headRef !== branch || issue.pull.headSha === sha)
      continue;
    const repo = mustRepo(sim.store, issue.repoId);
    if (repo.id !== headRepo.id) await git(repo.gitDir, ['fetch', '--quiet', headRepo.gitDir, sha]);
    const before = issue.pull.headSha;
    await git(repo.gitDir, ['update-ref', `refs/pull/${issue.number}/head`, sha]);
    issue.pull.headSha = sha;
    issue.updatedAt = isoNow(sim.clock.now());
    sends.push(emitPull(sim, issue as PullIssue, 'synchronize', senderId, { before, after: sha }));
  }
  return (await Promise.all(sends)).flat();
}

/**
 * Merges a pull request the way "Rebase and merge" of a fast-forwardable head does: the base
 * branch moves to the head commit, the pull request is closed as merged, `closed` is sent with
 * `merged: true`. A head that is not a descendant of the base is refused (405, as GitHub does
 * when a merge is not possible).
 */
export async function mergePull(sim: SimCore, issue: PullIssue, actor: Actor): Promise<Emitted<PullIssue>> {
  const repo = mustRepo(sim.store, issue.repoId);
  if (issue.state !== 'open') throw unprocessable('Pull Request is not mergeable');
  const base = await resolveCommit(repo.gitDir, `refs/heads/${issue.pull.baseRef}`);
  if (!base || !(await isAncestor(repo.gitDir, base, issue.pull.headSha)))
    throw new HttpError(405, 'Pull Request is not mergeable');
  await writeRef(repo.gitDir, `refs/heads/${issue.pull.baseRef}`, issue.pull.headSha, base);
  const now = isoNow(sim.clock.now());
  issue.state = 'closed';
  issue.closedAt = now;
  issue.updatedAt = now;
  issue.pull.mergedAt = now;
  return { value: issue, delivered: emitPull(sim, issue, 'closed', actor.userId) };
}
