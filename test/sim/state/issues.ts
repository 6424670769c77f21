// Issues: creation (sharing the per-repository number sequence with pull requests) and labels.
import type { SimCore } from '../core.ts';
import { issueJson } from '../serialize/issue.ts';
import type { DeliveryRecord } from '../webhooks/delivery-log.ts';
import type { Actor } from './actor.ts';
import { isoNow, nodeId } from './ids.ts';
import { issueKey, mustAccount } from './store.ts';
import type { Issue, Label, Pull, Repo } from './types.ts';

export type Emitted<T> = { value: T; delivered: Promise<DeliveryRecord[]> };

export function newIssue(
  sim: SimCore,
  repo: Repo,
  actor: Actor,
  fields: { title: string; body: string | null; pull: Pull | null },
): Issue {
  const id = sim.store.ids.next('issue');
  const now = isoNow(sim.clock.now());
  const issue: Issue = {
    id,
    nodeId: nodeId(fields.pull ? 'PullRequest' : 'Issue', id),
    repoId: repo.id,
    number: repo.nextNumber++,
    title: fields.title,
    body: fields.body,
    userId: actor.userId,
    state: 'open',
    stateReason: null,
    labelNames: [],
    assigneeIds: [],
    locked: false,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    viaAppId: actor.appId,
    pull: fields.pull,
  };
  sim.store.issues.set(issueKey(repo.id, issue.number), issue);
  return issue;
}

export function createIssue(
  sim: SimCore,
  repo: Repo,
  actor: Actor,
  fields: { title: string; body?: string | null; labels?: string[] },
): Emitted<Issue> {
  const issue = newIssue(sim, repo, actor, { title: fields.title, body: fields.body ?? null, pull: null });
  if (fields.labels?.length) addLabels(sim, repo, issue, fields.labels);
  const delivered = sim.webhooks.emit({
    event: 'issues',
    action: 'opened',
    repo,
    sender: mustAccount(sim.store, actor.userId),
    build: () => ({ issue: issueJson(sim, issue) }),
  });
  return { value: issue, delivered };
}

/** Edits an issue's title or body, as the issue's page does; sends `issues` `edited`. */
export function editIssue(
  sim: SimCore,
  issue: Issue,
  actor: Actor,
  fields: { title?: string; body?: string | null },
): Emitted<Issue> {
  const changes: Record<string, { from: string | null }> = {};
  if (fields.title !== undefined && fields.title !== issue.title) {
    changes.title = { from: issue.title };
    issue.title = fields.title;
  }
  if (fields.body !== undefined && fields.body !== issue.body) {
    changes.body = { from: issue.body };
    issue.body = fields.body;
  }
  issue.updatedAt = isoNow(sim.clock.now());
  const repo = sim.store.repos.get(issue.repoId)!;
  const delivered = sim.webhooks.emit({
    event: 'issues',
    action: 'edited',
    repo,
    sender: mustAccount(sim.store, actor.userId),
    build: () => ({ changes, issue: issueJson(sim, issue) }),
  });
  return { value: issue, delivered };
}

export function findIssue(sim: SimCore, repo: Repo, number: number): Issue | undefined {
  return sim.store.issues.get(issueKey(repo.id, number));
}

export function ensureLabel(
  sim: SimCore,
  repo: Repo,
  name: string,
  fields: { color?: string; description?: string | null } = {},
): Label {
  const existing = repo.labels.get(name.toLowerCase());
  if (existing) return existing;
  const id = sim.store.ids.next('label');
  const label: Label = {
    id,
    nodeId: nodeId('Label', id),
    name,
    color: fields.color ?? 'ededed',
    description: fields.description ?? null,
  };
  repo.labels.set(name.toLowerCase(), label);
  return label;
}

/** Adds labels to an issue, creating repository labels that do not exist yet (as GitHub does). */
export function addLabels(sim: SimCore, repo: Repo, issue: Issue, names: string[]): void {
  for (const name of names) {
    const label = ensureLabel(sim, repo, name);
    if (!issue.labelNames.some((have) => have.toLowerCase() === label.name.toLowerCase())) {
      issue.labelNames.push(label.name);
    }
  }
  issue.updatedAt = isoNow(sim.clock.now());
}
