// The in-memory store: every record the simulator holds, and the look-ups routes share.
import type { Deployment, Gate, Job, WorkflowRecord, WorkflowRun } from './actions-types.ts';
import { createIdSequence, type IdSequence } from './ids.ts';
import type {
  Account,
  App,
  CheckRun,
  Environment,
  Installation,
  Issue,
  IssueComment,
  Reaction,
  Repo,
  Review,
  ReviewComment,
} from './types.ts';

export type Store = {
  ids: IdSequence;
  accounts: Map<number, Account>;
  apps: Map<number, App>;
  installations: Map<number, Installation>;
  repos: Map<number, Repo>;
  issues: Map<string, Issue>;
  comments: Map<number, IssueComment>;
  reviews: Map<number, Review>;
  reviewComments: Map<number, ReviewComment>;
  reactions: Map<number, Reaction>;
  checkRuns: Map<number, CheckRun>;
  environments: Map<number, Environment>;
  workflows: Map<number, WorkflowRecord>;
  runs: Map<number, WorkflowRun>;
  jobs: Map<number, Job>;
  deployments: Map<number, Deployment>;
  gates: Map<number, Gate>;
  /** Commits the simulator wrote through the Git Data API (GitHub signs those). */
  signedCommits: Set<string>;
  /** One-time codes of the App manifest flow → the App made from the manifest. */
  manifestCodes: Map<string, { appId: number; clientSecret: string; expiresAt: number }>;
};

export function createStore(): Store {
  return {
    ids: createIdSequence(),
    accounts: new Map(),
    apps: new Map(),
    installations: new Map(),
    repos: new Map(),
    issues: new Map(),
    comments: new Map(),
    reviews: new Map(),
    reviewComments: new Map(),
    reactions: new Map(),
    checkRuns: new Map(),
    environments: new Map(),
    workflows: new Map(),
    runs: new Map(),
    jobs: new Map(),
    deployments: new Map(),
    gates: new Map(),
    signedCommits: new Set(),
    manifestCodes: new Map(),
  };
}

export function issueKey(repoId: number, number: number): string {
  return `${repoId}#${number}`;
}

export function accountByLogin(store: Store, login: string): Account | undefined {
  const wanted = login.toLowerCase();
  for (const account of store.accounts.values()) if (account.login.toLowerCase() === wanted) return account;
  return undefined;
}

export function mustAccount(store: Store, id: number): Account {
  const account = store.accounts.get(id);
  if (!account) throw new Error(`simulator: no account ${id}`);
  return account;
}

export function repoByName(store: Store, owner: string, name: string): Repo | undefined {
  const ownerAccount = accountByLogin(store, owner);
  if (!ownerAccount) return undefined;
  const wanted = name.toLowerCase();
  for (const repo of store.repos.values()) {
    if (repo.ownerId === ownerAccount.id && repo.name.toLowerCase() === wanted) return repo;
  }
  return undefined;
}

export function mustRepo(store: Store, id: number): Repo {
  const repo = store.repos.get(id);
  if (!repo) throw new Error(`simulator: no repository ${id}`);
  return repo;
}

export function fullName(store: Store, repo: Repo): string {
  return `${mustAccount(store, repo.ownerId).login}/${repo.name}`;
}

export function parseFullName(value: string): { owner: string; name: string } {
  const [owner, name, ...rest] = value.split('/');
  if (!owner || !name || rest.length > 0) throw new Error(`simulator: expected owner/name, got ${value}`);
  return { owner, name };
}

export function findRepo(store: Store, value: string): Repo {
  const { owner, name } = parseFullName(value);
  const repo = repoByName(store, owner, name);
  if (!repo) throw new Error(`simulator: no repository ${value}`);
  return repo;
}

export function installationForRepo(store: Store, appId: number, repo: Repo): Installation | undefined {
  for (const installation of store.installations.values()) {
    if (installation.appId !== appId) continue;
    if (installation.accountId !== repo.ownerId) continue;
    if (installation.repositorySelection === 'all' || installation.repositoryIds.has(repo.id))
      return installation;
  }
  return undefined;
}

export function installationCoversRepo(installation: Installation, repo: Repo): boolean {
  if (installation.accountId !== repo.ownerId) return false;
  return installation.repositorySelection === 'all' || installation.repositoryIds.has(repo.id);
}

export function roleOf(
  repo: Repo,
  userId: number,
): 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none' {
  if (repo.ownerId === userId) return 'admin';
  return repo.roles.get(userId) ?? 'none';
}
