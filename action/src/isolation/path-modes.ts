// What the engine user may reach by path, set with directory modes for the run and put back
// after it: search (x, never read) permission for "others" on the directories above the
// checkout and the engine's own directory, so it can get to them; and the runner's directories
// — its temp directory with the file-command files and step scripts, the job's home, its
// diagnostics and credentials — closed to "others", so it cannot list or read them; in those it
// must pass through (the job's home above the workspace), every entry not on its way (or on the
// way to a PATH directory) is closed too, so no file there is read by a known name. The engine
// user owns nothing there and has no groups, so the "others" bits are exactly what it gets.
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { type Privilege, runAsRoot, runAsRootSync } from './privilege.ts';

export type ModeChange = { path: string; from: number; to: number };

const OTHER_X = 0o001;
const OTHER_ALL = 0o007;

/** Pure: `dir` is `path` or lies above it. */
export function isAtOrAbove(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
}

/** Pure: the directories above `path`, nearest first, up to the root. */
export function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    out.push(dir);
    if (dir === dirname(dir)) return out;
  }
}

function realDir(path: string | undefined): string | null {
  if (!path || !existsSync(path)) return null;
  try {
    const real = realpathSync(path);
    return lstatSync(real).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

/** Pure: the mode changes that let "others" search the directories above every needed path. */
export function traverseChanges(needed: readonly string[], modeOf: (dir: string) => number): ModeChange[] {
  const changes = new Map<string, ModeChange>();
  for (const path of needed) {
    for (const dir of ancestorsOf(path)) {
      const from = modeOf(dir);
      if ((from & OTHER_X) === 0 && !changes.has(dir))
        changes.set(dir, { path: dir, from, to: from | OTHER_X });
    }
  }
  return [...changes.values()];
}

/**
 * Pure: the mode changes that close `dirs` to "others": all access, or for a directory above a
 * needed path, everything but search (it must stay passable; its entries are not listed).
 * A directory at or inside a needed path (the checkout itself) is left alone.
 */
export function closeChanges(
  dirs: readonly string[],
  needed: readonly string[],
  modeOf: (dir: string) => number,
): ModeChange[] {
  const changes = new Map<string, ModeChange>();
  for (const dir of dirs) {
    if (changes.has(dir) || !closable(dir) || needed.some((path) => isAtOrAbove(path, dir))) continue;
    const from = modeOf(dir);
    const keep = needed.some((path) => isAtOrAbove(dir, path)) ? from & OTHER_X : 0;
    const to = (from & ~OTHER_ALL) | keep;
    if (to !== from) changes.set(dir, { path: dir, from, to });
  }
  return [...changes.values()];
}

/** An entry of a directory, as lstat sees it. */
export type DirEntry = { path: string; mode: number; link: boolean };

/**
 * Pure: the mode changes that close to "others" every entry of a passable directory (one of
 * `dirs` kept with search only, because a needed path lies below it) except the ones on the way
 * to a needed path or to a directory of `open` (PATH): a world-readable file there is readable by
 * its name even when the directory cannot be listed (a ~/.gitconfig holding a token in an
 * insteadOf URL, a ~/.docker/config.json). Links are left alone: chmod would follow them.
 */
export function siblingChanges(
  dirs: readonly string[],
  needed: readonly string[],
  open: readonly string[],
  entriesOf: (dir: string) => DirEntry[],
): ModeChange[] {
  const changes = new Map<string, ModeChange>();
  const passable = dirs.filter(
    (dir) =>
      closable(dir) &&
      needed.some((path) => isAtOrAbove(dir, path)) &&
      !needed.some((path) => isAtOrAbove(path, dir)),
  );
  const onTheWay = (entry: string) =>
    [...needed, ...open].some((path) => isAtOrAbove(entry, path) || isAtOrAbove(path, entry));
  for (const dir of passable) {
    for (const entry of entriesOf(dir)) {
      if (entry.link || onTheWay(entry.path) || changes.has(entry.path)) continue;
      const to = entry.mode & ~OTHER_ALL;
      if (to !== entry.mode) changes.set(entry.path, { path: entry.path, from: entry.mode, to });
    }
  }
  return [...changes.values()];
}

/** The entries of `dir` (none when it cannot be read). */
export function entriesOf(dir: string): DirEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      const stats = lstatSync(path);
      return [{ path, mode: stats.mode & 0o7777, link: stats.isSymbolicLink() }];
    } catch {
      return [];
    }
  });
}

/** The real directories of a PATH value (those that exist). */
export function pathDirectories(path: string | undefined): string[] {
  return (path ?? '')
    .split(':')
    .map((dir) => realDir(dir))
    .filter((dir): dir is string => dir !== null);
}

/** Pure: never the root, a directory right under it (`HOME=/root`, `/home`) or a shared temp directory. */
export function closable(dir: string): boolean {
  const depth = dir.split('/').filter((part) => part !== '').length;
  return depth >= 2 && !['/var/tmp', '/dev/shm', '/run/user'].includes(dir);
}

const modeOf = (dir: string) => lstatSync(dir).mode & 0o7777;

/** The directories of the runner and the job the engine must not read (those that exist). */
export function runnerDirectories(
  env: Record<string, string | undefined>,
  runnerRoot: string | null,
): string[] {
  const files = [
    'GITHUB_ENV',
    'GITHUB_PATH',
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_STEP_SUMMARY',
    'GITHUB_EVENT_PATH',
  ];
  const candidates = [
    env.RUNNER_TEMP,
    env.HOME,
    env.GITHUB_WORKSPACE,
    ...files.map((name) => (env[name] ? dirname(env[name] as string) : undefined)),
    ...(runnerRoot === null
      ? []
      : [
          runnerRoot,
          ...['_diag', '.credentials', '.credentials_rsaparams', '.runner', '.env', '.path'].map((name) =>
            join(runnerRoot, name),
          ),
        ]),
  ];
  return [...new Set(candidates.map((dir) => realDir(dir)).filter((dir): dir is string => dir !== null))];
}

/** Most paths given to one chmod. */
const BATCH = 200;

/** Pure: chmod argument lists setting each path to its mode, one per mode (batched). */
export function chmodCalls(targets: readonly { path: string; mode: number }[]): string[][] {
  const byMode = new Map<number, string[]>();
  for (const { path, mode } of targets) byMode.set(mode, [...(byMode.get(mode) ?? []), path]);
  const calls: string[][] = [];
  for (const [mode, paths] of byMode) {
    for (let i = 0; i < paths.length; i += BATCH)
      calls.push([mode.toString(8), '--', ...paths.slice(i, i + BATCH)]);
  }
  return calls;
}

/** Pure: each changed path once, with the mode it had before its first change. */
export function originalModes(applied: readonly ModeChange[]): { path: string; mode: number }[] {
  const first = new Map<string, number>();
  for (const change of applied) if (!first.has(change.path)) first.set(change.path, change.from);
  return [...first].map(([path, mode]) => ({ path, mode }));
}

/**
 * Applies the changes (one chmod per target mode: root needs no order among them), each added to
 * `applied` first, so a chmod that fails half-way is still undone by restoreModes.
 */
export async function applyModes(
  privilege: Privilege,
  changes: readonly ModeChange[],
  applied: ModeChange[],
): Promise<void> {
  applied.push(...changes);
  for (const args of chmodCalls(changes.map((change) => ({ path: change.path, mode: change.to })))) {
    const done = await runAsRoot(privilege, privilege.tools.chmod, args);
    if (done.code !== 0) throw new Error(`chmod ${args.slice(2).join(' ')} failed: ${done.stderr.trim()}`);
  }
}

export async function restoreModes(privilege: Privilege, applied: readonly ModeChange[]): Promise<void> {
  for (const args of chmodCalls(originalModes(applied))) {
    await runAsRoot(privilege, privilege.tools.chmod, args);
  }
}

export function restoreModesSync(privilege: Privilege, applied: readonly ModeChange[]): void {
  for (const args of chmodCalls(originalModes(applied))) {
    runAsRootSync(privilege, privilege.tools.chmod, args);
  }
}

export { modeOf };
