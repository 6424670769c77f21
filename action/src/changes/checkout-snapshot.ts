// Taken BEFORE the engine runs, while the checkout is still what actions/checkout made: where
// the work tree and the object store are, that HEAD is the task's commit, and a copy of the
// index (so collection later hashes only files that changed and keeps sparse-checkout bits).
import { copyFileSync, existsSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import { git, hardenedGitEnvironment } from './hardened-git.ts';

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
  const env = hardenedGitEnvironment(options.stateDir);
  const ask = async (...args: string[]) =>
    (await git(['rev-parse', ...args], { cwd: options.workingDirectory, env })).toString('utf8').trim();

  let head: string;
  let workTree: string;
  let commonDir: string;
  let indexPath: string;
  try {
    workTree = await ask('--show-toplevel');
    commonDir = await ask('--path-format=absolute', '--git-common-dir');
    indexPath = await ask('--path-format=absolute', '--git-path', 'index');
    head = await ask('--verify', 'HEAD^{commit}');
  } catch (error) {
    if (error instanceof ActionError && error.code === 'git-unavailable') throw error;
    throw new ActionError(
      'checkout-mismatch',
      `${options.workingDirectory} is not a git checkout with a commit: put actions/checkout before the "run" step (and check working-directory).`,
      { cause: error },
    );
  }
  if (head !== options.baseSha) {
    throw new ActionError(
      'checkout-mismatch',
      `The checkout is at ${head} but the task starts from ${options.baseSha}: check out \`ref: \${{ steps.task.outputs.sha }}\` as in workflows-templates/agent.yml.`,
    );
  }
  let index: string | null = null;
  if (existsSync(indexPath)) {
    index = join(options.stateDir, 'checkout-index');
    copyFileSync(indexPath, index);
    // Keep the index's own timestamp: git's "racy clean" check compares file times against
    // it, so a copy stamped later would hide a same-size edit made in the checkout's second.
    const { atime, mtime } = statSync(indexPath);
    utimesSync(index, atime, mtime);
  }
  return {
    workTree,
    objectsDir: join(commonDir, 'objects'),
    index,
    baseSha: options.baseSha,
    stateDir: options.stateDir,
  };
}
