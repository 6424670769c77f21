// Repositories as GitHub's `full-repository` (a superset of `repository` and `minimal-repository`).
import type { SimCore } from '../core.ts';
import { fullName, mustAccount } from '../state/store.ts';
import type { Repo } from '../state/types.ts';
import { repoApi, repoHtml } from './urls.ts';
import { userJson } from './user.ts';

function openIssues(core: SimCore, repo: Repo): number {
  let count = 0;
  for (const issue of core.store.issues.values())
    if (issue.repoId === repo.id && issue.state === 'open') count++;
  return count;
}

export function repositoryJson(core: SimCore, repo: Repo) {
  const api = repoApi(core, repo);
  const html = repoHtml(core, repo);
  const name = fullName(core.store, repo);
  const open = openIssues(core, repo);
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: name,
    private: repo.private,
    owner: userJson(core, mustAccount(core.store, repo.ownerId)),
    html_url: html,
    description: repo.description,
    fork: repo.forkOfId !== null,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.createdAt,
    updated_at: repo.updatedAt,
    pushed_at: repo.pushedAt,
    git_url: `${html.replace(/^http/, 'git')}.git`,
    ssh_url: `git@${new URL(core.url).host}:${name}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 1,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: open,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [] as string[],
    visibility: repo.private ? 'private' : 'public',
    forks: 0,
    open_issues: open,
    watchers: 0,
    default_branch: repo.defaultBranch,
    custom_properties: {},
    network_count: 0,
    subscribers_count: 0,
  };
}

export function fullRepositoryJson(core: SimCore, repo: Repo) {
  const base = repositoryJson(core, repo);
  const parent = repo.forkOfId === null ? undefined : core.store.repos.get(repo.forkOfId);
  return parent
    ? { ...base, parent: repositoryJson(core, parent), source: repositoryJson(core, parent) }
    : base;
}
