// The checkout changes hands for the engine's run. Handed over: every directory and file in it
// becomes the engine user's — except what "others" could not read before (a 0600 credentials
// file some earlier step left in the workspace, a 0700 directory), which stays its owner's, out
// of the engine's reach. Taken back, after every process of the engine user has stopped: what
// the engine user owns (all it made or was given) goes back to the checkout's owner. Anything
// else found then — a file the engine linked in from outside, owned by someone else, or a link
// to a file it was not given — is reported: git would read it as the action's user, who can
// read more than the engine could.
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { EngineIdentity } from './engine-user.ts';
import { mustSucceed, type Privilege, runAsRoot, runAsRootSync } from './privilege.ts';

type Owner = { uid: number; gid: number };

export type Handover = {
  workTree: string;
  owner: Owner;
  /** What the engine was not given, by path: its inode, to notice a second link to it. */
  kept: Map<string, { dev: number; ino: number; owner: Owner }>;
};

/** Pure: whether "others" could read (a directory: list and enter) an entry before the run. */
export function othersCouldRead(
  stats: Pick<Stats, 'mode'> & { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean },
): boolean {
  if (stats.isSymbolicLink()) return true;
  if (stats.isDirectory()) return (stats.mode & 0o005) === 0o005;
  return stats.isFile() && (stats.mode & 0o004) !== 0;
}

/** Every entry under `dir` (lstat, links not followed); `descend` decides for directories. */
function walk(dir: string, visit: (path: string, stats: Stats) => boolean): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    let stats: Stats;
    try {
      stats = lstatSync(path);
    } catch {
      continue;
    }
    if (visit(path, stats) && stats.isDirectory()) walk(path, visit);
  }
}

/** Longest argument lists passed to one chown. */
const BATCH = 200;

/** `chown -R` (links themselves, never followed) of each path to `owner`. */
export async function chownTrees(
  privilege: Privilege,
  owner: Owner,
  paths: readonly string[],
): Promise<void> {
  for (let i = 0; i < paths.length; i += BATCH) {
    mustSucceed(
      'chown',
      await runAsRoot(privilege, privilege.tools.chown, [
        '-R',
        '-h',
        '-P',
        `${owner.uid}:${owner.gid}`,
        '--',
        ...paths.slice(i, i + BATCH),
      ]),
    );
  }
}

/** What is handed over and what is kept, read before anything changes hands. */
export function planHandover(workTree: string): Handover {
  const top = lstatSync(workTree);
  const kept: Handover['kept'] = new Map();
  walk(workTree, (path, stats) => {
    if (othersCouldRead(stats)) return true;
    kept.set(path, { dev: stats.dev, ino: stats.ino, owner: { uid: stats.uid, gid: stats.gid } });
    return false;
  });
  return { workTree, owner: { uid: top.uid, gid: top.gid }, kept };
}

export async function handOver(
  privilege: Privilege,
  identity: EngineIdentity,
  handover: Handover,
): Promise<void> {
  const { workTree, kept } = handover;
  await chownTrees(privilege, { uid: identity.uid, gid: identity.gid }, [workTree]);
  const byOwner = new Map<string, string[]>();
  for (const [path, entry] of kept) {
    const key = `${entry.owner.uid}:${entry.owner.gid}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), path]);
  }
  for (const [key, paths] of byOwner) {
    const [uid, gid] = key.split(':').map(Number);
    await chownTrees(privilege, { uid: uid as number, gid: gid as number }, paths);
  }
}

function takeBackArgs(handover: Handover, identity: EngineIdentity): string[] {
  const { owner, workTree } = handover;
  return ['-R', '-h', '-P', `--from=${identity.uid}`, `${owner.uid}:${owner.gid}`, '--', workTree];
}

/** Returns the paths the engine planted (see above); the engine's processes must be gone. */
export async function takeBack(
  privilege: Privilege,
  identity: EngineIdentity,
  handover: Handover,
): Promise<string[]> {
  const found = planted(handover, identity.uid);
  mustSucceed('chown', await runAsRoot(privilege, privilege.tools.chown, takeBackArgs(handover, identity)));
  return found;
}

export function takeBackSync(privilege: Privilege, identity: EngineIdentity, handover: Handover): void {
  runAsRootSync(privilege, privilege.tools.chown, takeBackArgs(handover, identity));
}

/**
 * Before the checkout is taken back: everything in it is the engine user's, or was kept from it
 * where it was. Anything else — owned by someone else, or a second link to something kept — the
 * engine linked or moved in.
 */
export function planted(handover: Handover, engineUid: number): string[] {
  const keptInodes = new Map([...handover.kept].map(([path, entry]) => [`${entry.dev}:${entry.ino}`, path]));
  const found: string[] = [];
  walk(handover.workTree, (path, stats) => {
    const keptAt = keptInodes.get(`${stats.dev}:${stats.ino}`);
    if (keptAt !== undefined) {
      if (keptAt !== path) found.push(path);
      return false;
    }
    if (stats.uid === engineUid) return true;
    found.push(path);
    return false;
  });
  return found;
}
