// Repositories: a bare git repository on disk per repository, seeded with files; collaborators' roles.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { SimCore } from '../core.ts';
import { initBareRepo, type SeedFiles } from '../git/bare-repo.ts';
import { git } from '../git/run-git.ts';
import { addAccount } from './accounts.ts';
import { isoNow, nodeId } from './ids.ts';
import { accountByLogin, findRepo, repoByName } from './store.ts';
import type { Repo, RepoRole } from './types.ts';

export type CreateRepoOptions = {
  owner: string;
  name: string;
  files?: SeedFiles;
  defaultBranch?: string;
  private?: boolean;
  description?: string;
  /** `owner/name` of the repository this one is a fork of (its branches are copied). */
  forkOf?: string;
  ownerType?: 'User' | 'Organization';
};

export async function createRepo(sim: SimCore, options: CreateRepoOptions): Promise<Repo> {
  const owner =
    accountByLogin(sim.store, options.owner) ?? addAccount(sim, options.owner, options.ownerType ?? 'User');
  if (repoByName(sim.store, owner.login, options.name)) {
    throw new Error(`simulator: repository ${owner.login}/${options.name} already exists`);
  }
  const parent = options.forkOf ? findRepo(sim.store, options.forkOf) : null;
  const id = sim.store.ids.next('repo');
  const gitDir = path.join(sim.dataDir, 'repos', `${id}.git`);
  await mkdir(path.dirname(gitDir), { recursive: true });
  const now = isoNow(sim.clock.now());
  const defaultBranch = options.defaultBranch ?? parent?.defaultBranch ?? 'main';
  if (parent) {
    await git(gitDir, ['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`]);
    await git(gitDir, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
    await git(gitDir, ['fetch', '--quiet', parent.gitDir, '+refs/heads/*:refs/heads/*']);
  } else {
    await initBareRepo(gitDir, {
      defaultBranch,
      files: options.files ?? { 'README.md': `# ${options.name}\n` },
      author: { name: owner.name ?? owner.login, email: `${owner.id}+${owner.login}@users.noreply.sim` },
      date: now,
    });
  }
  const repo: Repo = {
    id,
    nodeId: nodeId('Repository', id),
    ownerId: owner.id,
    name: options.name,
    defaultBranch,
    private: options.private ?? false,
    description: options.description ?? null,
    forkOfId: parent?.id ?? null,
    gitDir,
    createdAt: now,
    updatedAt: now,
    pushedAt: now,
    roles: new Map(),
    nextNumber: 1,
    labels: new Map(),
    variables: new Map(),
    secrets: new Map(),
  };
  sim.store.repos.set(id, repo);
  return repo;
}

export function setRole(sim: SimCore, repo: Repo, login: string, role: RepoRole): void {
  const user = accountByLogin(sim.store, login) ?? addAccount(sim, login, 'User');
  if (role === 'none') repo.roles.delete(user.id);
  else repo.roles.set(user.id, role);
}
