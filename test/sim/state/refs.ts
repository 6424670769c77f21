// Moving references the way GitHub does: compare-and-swap, fast-forward unless forced, the
// `workflows` permission for changes under .github/workflows/, and open pull requests following heads.

import { hasPermission } from '../auth/authorize.ts';
import type { Principal } from '../auth/principal.ts';
import type { SimCore } from '../core.ts';
import { changedPaths, isAncestor, mergeBase, objectType, resolveCommit } from '../git/objects.ts';
import { deleteRef, readRef, writeRef } from '../git/refs.ts';
import { forbidden, unprocessable } from '../server/http-error.ts';
import { actorOf } from './actor.ts';
import { isoNow } from './ids.ts';
import { followHead } from './pulls.ts';
import type { Repo } from './types.ts';

const WORKFLOW_DIR = '.github/workflows/';

function mayWriteWorkflows(principal: Principal): boolean {
  if (principal.kind === 'installation')
    return hasPermission(principal.token.permissions, 'workflows', 'write');
  if (principal.kind === 'job') return false;
  return true;
}

async function refuseWorkflowChanges(repo: Repo, principal: Principal, from: string | null, to: string) {
  if (mayWriteWorkflows(principal)) return;
  const changed = (await changedPaths(repo.gitDir, from, to)).filter((file) => file.startsWith(WORKFLOW_DIR));
  const first = changed[0];
  if (first) {
    throw forbidden(
      `refusing to allow a GitHub App to create or update workflow \`${first}\` without \`workflows\` permission`,
    );
  }
}

async function afterMove(sim: SimCore, repo: Repo, ref: string, sha: string, principal: Principal) {
  repo.pushedAt = isoNow(sim.clock.now());
  if (ref.startsWith('refs/heads/') && principal.kind !== 'anonymous') {
    const branch = ref.slice('refs/heads/'.length);
    void sim.work.track(followHead(sim, repo, branch, sha, actorOf(sim, principal).userId));
  }
}

export async function createRef(sim: SimCore, repo: Repo, principal: Principal, ref: string, sha: string) {
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
    throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
  }
  const type = await objectType(repo.gitDir, sha);
  if (!type) throw unprocessable('Object does not exist');
  if (await readRef(repo.gitDir, ref)) throw unprocessable('Reference already exists');
  if (type === 'commit') {
    const defaultHead = await resolveCommit(repo.gitDir, `refs/heads/${repo.defaultBranch}`);
    const base = defaultHead ? await mergeBase(repo.gitDir, defaultHead, sha) : null;
    await refuseWorkflowChanges(repo, principal, base, sha);
  }
  await writeRef(repo.gitDir, ref, sha, null);
  await afterMove(sim, repo, ref, sha, principal);
}

export async function updateRef(
  sim: SimCore,
  repo: Repo,
  principal: Principal,
  ref: string,
  sha: string,
  force: boolean,
) {
  const current = await readRef(repo.gitDir, ref);
  if (!current) throw unprocessable('Reference does not exist');
  const type = await objectType(repo.gitDir, sha);
  if (!type) throw unprocessable('Object does not exist');
  if (current.sha === sha) return;
  const fastForward = type === 'commit' && (await isAncestor(repo.gitDir, current.sha, sha));
  if (!fastForward && !force) throw unprocessable('Update is not a fast forward');
  if (type === 'commit') {
    const from = fastForward ? current.sha : await mergeBase(repo.gitDir, current.sha, sha);
    await refuseWorkflowChanges(repo, principal, from, sha);
  }
  try {
    await writeRef(repo.gitDir, ref, sha, current.sha);
  } catch {
    throw unprocessable('Reference cannot be updated');
  }
  await afterMove(sim, repo, ref, sha, principal);
}

export async function removeRef(repo: Repo, ref: string) {
  if (!(await readRef(repo.gitDir, ref))) throw unprocessable('Reference does not exist');
  await deleteRef(repo.gitDir, ref);
}
