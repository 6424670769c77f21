// Taken BEFORE the engine runs, while the checkout is still what actions/checkout made: where
// the work tree and the object store are, that HEAD is the task's commit, that its git
// configuration keeps no credential (persisted-credentials.ts), and a copy of the index (so
// collection later hashes only files that changed and keeps sparse-checkout bits).
import { copyFileSync, existsSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import { git, hardenedGitEnvironment } from './hardened-git.ts';
import { refusePersistedCredentials } from './persisted-credentials.ts';

export type CheckoutSnapshot = {
  /** Top of the work tree. */
  workTree: string;
  /** The checkout's object directory, used read-only through alternates. */
  objectsDir: string;
  /** Copy of the checkout's index, or null when it had none. */
  index: string | null;
  baseSha: string;
  /** A private directory for the collection repository (outside the checkout). */
  stateDir: string;
};

export async function snapshotCheckout(options: {
  workingDirectory: string;
  baseSha: string;
  stateDir: string;
}): Promise<CheckoutSnapshot> {
  const found = await locateCheckout(options.workingDirectory, options.stateDir);
  if (found.head !== options.baseSha) {
    throw new ActionError(
      'checkout-mismatch',
      `The checkout is at ${found.head} but the task starts from ${options.baseSha}: check out \`ref: \${{ steps.task.outputs.sha }}\` as in workflows-templates/agent.yml.`,
    );
  }
  await refusePersistedCredentials(found.workTree, hardenedGitEnvironment(options.stateDir));
  let index: string | null = null;
  if (existsSync(found.indexPath)) {
    index = join(options.stateDir, 'checkout-index');
    copyIndex(found.indexPath, index);
  }
  return {
    workTree: found.workTree,
    objectsDir: join(found.commonDir, 'objects'),
    index,
    baseSha: options.baseSha,
    stateDir: options.stateDir,
  };
}

/** Where git says the checkout's parts are, and its HEAD commit. */
async function locateCheckout(
  workingDirectory: string,
  stateDir: string,
): Promise<{ workTree: string; commonDir: string; indexPath: string; head: string }> {
  const env = hardenedGitEnvironment(stateDir);
  const ask = async (...args: string[]) =>
    (await git(['rev-parse', ...args], { cwd: workingDirectory, env })).toString('utf8').trim();
  try {
    return {
      workTree: await ask('--show-toplevel'),
      commonDir: await ask('--path-format=absolute', '--git-common-dir'),
      indexPath: await ask('--path-format=absolute', '--git-path', 'index'),
      head: await ask('--verify', 'HEAD^{commit}'),
    };
  } catch (error) {
    if (error instanceof ActionError && error.code === 'git-unavailable') throw error;
    throw new ActionError(
      'checkout-mismatch',
      `${workingDirectory} is not a git checkout with a commit: put actions/checkout before the "run" step (and check working-directory).`,
      { cause: error },
    );
  }
}

/**
 * A copy of an index that keeps its timestamp: git's "racy clean" check compares file times
 * against it, so a copy stamped later would hide a same-size edit made in the checkout's second.
 */
export function copyIndex(from: string, to: string): void {
  copyFileSync(from, to);
  const { atime, mtime } = statSync(from);
  utimesSync(to, atime, mtime);
}
