// The repository the collection runs git in: a fresh bare repository outside the checkout with
// a config of its own, the checkout's objects through alternates and an index of its own, so
// nothing the engine wrote into the checkout's .git is read (see collect-changes.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckoutSnapshot, copyIndex } from './checkout-snapshot.ts';
import { git, hardenedGitEnvironment } from './hardened-git.ts';

export type PrivateRepository = {
  /** git with the private GIT_DIR, the checkout as work tree and the private index. */
  run(args: string[], extra?: { input?: string; maxOutputBytes?: number }): Promise<Buffer>;
  index: string;
};

export async function openPrivateRepository(snapshot: CheckoutSnapshot): Promise<PrivateRepository> {
  const gitDir = join(snapshot.stateDir, 'collect.git');
  const index = join(snapshot.stateDir, 'collect-index');
  const home = join(snapshot.stateDir, 'home');
  mkdirSync(home, { recursive: true });
  const objectFormat = snapshot.baseSha.length === 64 ? 'sha256' : 'sha1';
  await git(['init', '--quiet', '--bare', `--object-format=${objectFormat}`, gitDir], {
    cwd: snapshot.stateDir,
    env: hardenedGitEnvironment(home),
  });
  writeFileSync(join(gitDir, 'objects', 'info', 'alternates'), `${snapshot.objectsDir}\n`);
  const env = hardenedGitEnvironment(home, {
    GIT_DIR: gitDir,
    GIT_WORK_TREE: snapshot.workTree,
    GIT_INDEX_FILE: index,
  });
  return {
    run: (args, extra = {}) =>
      git(['-c', 'core.bare=false', ...args], { cwd: snapshot.workTree, env, ...extra }),
    index,
  };
}

/**
 * Stages the work tree as `git add --all` would: on the copy of the checkout's index taken
 * before the engine ran, or — when there is none or this git cannot use it (split index, a
 * newer format) — on the tree of the task's commit.
 */
export async function stageWorkTree(repo: PrivateRepository, snapshot: CheckoutSnapshot): Promise<void> {
  if (snapshot.index !== null) {
    copyIndex(snapshot.index, repo.index);
    const staged = await repo.run(['add', '--all']).then(
      () => true,
      () => false,
    );
    if (staged) return;
  }
  await repo.run(['read-tree', snapshot.baseSha]);
  await repo.run(['add', '--all']);
}
