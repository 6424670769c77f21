// Issues (and the issue side of pull requests), labels, reaction roll-ups and author associations.
import type { SimCore } from '../core.ts';
import { mustAccount, mustRepo, roleOf } from '../state/store.ts';
import type { Issue, Label, ReactionSubject, Repo } from '../state/types.ts';
import { reactionContents } from '../state/types.ts';
import { appJson } from './apps.ts';
import { repoApi, repoHtml } from './urls.ts';
import { userJson } from './user.ts';

export type AuthorAssociation = 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';

export function authorAssociation(core: SimCore, repo: Repo, userId: number): AuthorAssociation {
  if (repo.ownerId === userId) return 'OWNER';
  const account = core.store.accounts.get(userId);
  if (account?.type === 'Bot') return 'NONE';
  const role = roleOf(repo, userId);
  return role === 'none' ? 'NONE' : 'COLLABORATOR';
}

export function labelJson(core: SimCore, repo: Repo, label: Label) {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: `${repoApi(core, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: false,
    description: label.description,
  };
}

export function reactionRollup(core: SimCore, subject: ReactionSubject, url: string) {
  const counts = Object.fromEntries(reactionContents.map((content) => [content, 0])) as Record<
    string,
    number
  >;
  let total = 0;
  for (const reaction of core.store.reactions.values()) {
    if (reaction.subject.kind !== subject.kind || reaction.subject.id !== subject.id) continue;
    counts[reaction.content] = (counts[reaction.content] ?? 0) + 1;
    total++;
  }
  return {
    url: `${url}/reactions`,
    total_count: total,
    '+1': counts['+1'] ?? 0,
    '-1': counts['-1'] ?? 0,
    laugh: counts.laugh ?? 0,
    hooray: counts.hooray ?? 0,
    confused: counts.confused ?? 0,
    heart: counts.heart ?? 0,
    rocket: counts.rocket ?? 0,
    eyes: counts.eyes ?? 0,
  };
}

export function viaApp(core: SimCore, appId: number | null) {
  const app = appId === null ? undefined : core.store.apps.get(appId);
  return app ? appJson(core, app) : null;
}

function commentCount(core: SimCore, issue: Issue): number {
  let count = 0;
  for (const comment of core.store.comments.values()) {
    if (comment.repoId === issue.repoId && comment.issueNumber === issue.number) count++;
  }
  return count;
}

export function issueJson(core: SimCore, issue: Issue) {
  const repo = mustRepo(core.store, issue.repoId);
  const api = `${repoApi(core, repo)}/issues/${issue.number}`;
  const assignees = issue.assigneeIds.map((id) => userJson(core, mustAccount(core.store, id)));
  const labels = issue.labelNames
    .map((name) => repo.labels.get(name.toLowerCase()))
    .filter((label): label is Label => label !== undefined)
    .map((label) => labelJson(core, repo, label));
  const kind = issue.pull ? 'pull' : 'issues';
  return {
    url: api,
    repository_url: repoApi(core, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${repoHtml(core, repo)}/${kind}/${issue.number}`,
    id: issue.id,
    node_id: issue.nodeId,
    number: issue.number,
    title: issue.title,
    user: userJson(core, mustAccount(core.store, issue.userId)),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: commentCount(core, issue),
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: authorAssociation(core, repo, issue.userId),
    active_lock_reason: null,
    ...(issue.pull
      ? {
          draft: issue.pull.draft,
          pull_request: {
            url: `${repoApi(core, repo)}/pulls/${issue.number}`,
            html_url: `${repoHtml(core, repo)}/pull/${issue.number}`,
            diff_url: `${repoHtml(core, repo)}/pull/${issue.number}.diff`,
            patch_url: `${repoHtml(core, repo)}/pull/${issue.number}.patch`,
            merged_at: issue.pull.mergedAt,
          },
        }
      : {}),
    body: issue.body,
    reactions: reactionRollup(core, { kind: 'issue', repoId: repo.id, id: issue.id }, api),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: viaApp(core, issue.viaAppId),
    state_reason: issue.stateReason,
  };
}
