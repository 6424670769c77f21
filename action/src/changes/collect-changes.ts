// Collects what the engine changed, binary-safe, with git — without trusting anything the
// engine could have written into the checkout's .git. Collection uses a private repository
// outside the checkout: our own config (so no filter, fsmonitor, hook or diff driver from the
// checkout's .git/config exists), our own index (a copy taken before the engine ran) and the
// checkout's objects through alternates. `git add -A` there stages the work tree as a commit
// would — files ignored by .gitignore are not part of the change — and the diff against the
// task's commit gives the changed paths, their modes and contents, and a patch for people.
import { copyFileSync, mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_MODES, type FileMode } from '../../../src/contract/job-result.ts';
import { ActionError } from '../action-error.ts';
import type { Change } from '../runner-api/task-result.ts';
import type { CheckoutSnapshot } from './checkout-snapshot.ts';
import { GitOutputTooLarge, git, hardenedGitEnvironment } from './hardened-git.ts';

export type CollectedChanges = { changes: Change[]; patch: string };

const GITLINK = '160000';

function isFileMode(mode: string): mode is FileMode {
  return (FILE_MODES as readonly string[]).includes(mode);
}
/** JSON keys, quotes and mode of one change, roughly. */
const PER_CHANGE_OVERHEAD = 80;

type RawEntry = { path: string; status: 'added' | 'modified' | 'deleted'; mode: string; oid: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodePath(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ActionError(
      'git-failed',
      `A changed path is not valid UTF-8 (${JSON.stringify(bytes.toString('latin1'))}); rename it and try again.`,
    );
  }
}

/** `git diff --raw -z`: ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0" per path. */
export function parseRawDiff(output: Buffer): RawEntry[] {
  const entries: RawEntry[] = [];
  let position = 0;
  while (position < output.length) {
    const metaEnd = output.indexOf(0, position);
    const pathEnd = output.indexOf(0, metaEnd + 1);
    if (metaEnd < 0 || pathEnd < 0)
      throw new ActionError('git-failed', 'git diff --raw printed an incomplete record');
    const [, newMode, , newOid, status] = output.toString('latin1', position + 1, metaEnd).split(' ');
    const path = decodePath(output.subarray(metaEnd + 1, pathEnd));
    position = pathEnd + 1;
    if (newMode === undefined || newOid === undefined || status === undefined) {
      throw new ActionError('git-failed', `git diff --raw printed a record it cannot read for ${path}`);
    }
    const letter = status[0];
    if (letter === 'D') entries.push({ path, status: 'deleted', mode: '', oid: '' });
    else if (letter === 'A') entries.push({ path, status: 'added', mode: newMode, oid: newOid });
    else if (letter === 'M' || letter === 'T')
      entries.push({ path, status: 'modified', mode: newMode, oid: newOid });
    else throw new ActionError('git-failed', `git diff reported status ${status} for ${path}`);
  }
  return entries;
}

/** `git cat-file --batch` output: "<oid> <type> <size>\n<content>\n" per object. */
export function parseCatFileBatch(output: Buffer): Map<string, Buffer> {
  const objects = new Map<string, Buffer>();
  let position = 0;
  while (position < output.length) {
    const headerEnd = output.indexOf(10, position);
    if (headerEnd < 0) throw new ActionError('git-failed', 'git cat-file printed an incomplete header');
    const [oid, type, size] = output.toString('latin1', position, headerEnd).split(' ');
    if (oid === undefined || type === 'missing' || size === undefined) {
      throw new ActionError(
        'git-failed',
        `git cannot read object ${oid}: the checkout's object store is damaged`,
      );
    }
    const start = headerEnd + 1;
    objects.set(oid, output.subarray(start, start + Number(size)));
    position = start + Number(size) + 1;
  }
  return objects;
}

export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

export function resultTooLarge(bytes: number, limit: number, files: number): ActionError {
  return new ActionError(
    'result-too-large',
    `The change (${files} file${files === 1 ? '' : 's'}, about ${bytes} bytes encoded) is larger than the task's limit of ${limit} bytes (limits.maxResultBytes), so it was not sent. Ask for a smaller change, or make sure generated files are in .gitignore.`,
  );
}

export async function collectChanges(
  snapshot: CheckoutSnapshot,
  options: { maxResultBytes: number },
): Promise<CollectedChanges> {
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
  const run = (args: string[], extra: { input?: string; maxOutputBytes?: number } = {}) =>
    git(['-c', 'core.bare=false', ...args], { cwd: snapshot.workTree, env, ...extra });

  let staged = false;
  if (snapshot.index !== null) {
    copyFileSync(snapshot.index, index);
    const { atime, mtime } = statSync(snapshot.index);
    utimesSync(index, atime, mtime); // see checkout-snapshot.ts
    // An index this git cannot use (split index, newer format) falls back to the tree below.
    staged = await run(['add', '--all']).then(
      () => true,
      () => false,
    );
  }
  if (!staged) {
    await run(['read-tree', snapshot.baseSha]);
    await run(['add', '--all']);
  }

  const diffArgs = ['--cached', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=none'];
  const entries = parseRawDiff(
    await run(['diff', ...diffArgs, '--raw', '-z', '--no-abbrev', snapshot.baseSha, '--']),
  );

  const blobs = [
    ...new Set(entries.filter((e) => e.status !== 'deleted' && e.mode !== GITLINK).map((e) => e.oid)),
  ];
  const sizes = new Map<string, number>();
  if (blobs.length > 0) {
    const checked = (await run(['cat-file', '--batch-check'], { input: `${blobs.join('\n')}\n` })).toString(
      'latin1',
    );
    for (const line of checked.split('\n')) {
      const [oid, , size] = line.split(' ');
      if (oid && size) sizes.set(oid, Number(size));
    }
  }
  let estimate = 0;
  for (const entry of entries) {
    estimate += PER_CHANGE_OVERHEAD + Buffer.byteLength(entry.path);
    if (entry.status !== 'deleted')
      estimate += base64Length(entry.mode === GITLINK ? entry.oid.length : (sizes.get(entry.oid) ?? 0));
  }
  if (estimate > options.maxResultBytes)
    throw resultTooLarge(estimate, options.maxResultBytes, entries.length);

  let patch: string;
  try {
    const budget = options.maxResultBytes - estimate;
    patch = (
      await run(['diff', ...diffArgs, '--binary', '--full-index', '--no-color', snapshot.baseSha, '--'], {
        maxOutputBytes: budget,
      })
    ).toString('utf8');
  } catch (error) {
    if (error instanceof GitOutputTooLarge)
      throw resultTooLarge(estimate + error.limit, options.maxResultBytes, entries.length);
    throw error;
  }

  const contents =
    blobs.length > 0
      ? parseCatFileBatch(await run(['cat-file', '--batch'], { input: `${blobs.join('\n')}\n` }))
      : new Map();
  const changes: Change[] = entries.map((entry) => {
    if (entry.status === 'deleted') return { path: entry.path, status: 'deleted' };
    const content = entry.mode === GITLINK ? Buffer.from(entry.oid, 'latin1') : contents.get(entry.oid);
    if (content === undefined)
      throw new ActionError('git-failed', `git did not return the content of ${entry.path}`);
    if (!isFileMode(entry.mode))
      throw new ActionError('git-failed', `git reported the unexpected mode ${entry.mode} for ${entry.path}`);
    return { path: entry.path, status: entry.status, mode: entry.mode, content: content.toString('base64') };
  });
  return { changes, patch };
}
