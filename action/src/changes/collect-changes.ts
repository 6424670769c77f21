// Collects what the engine changed, binary-safe, with git — without trusting anything the
// engine could have written into the checkout's .git. Collection uses a private repository
// outside the checkout: our own config (so no filter, fsmonitor, hook or diff driver from the
// checkout's .git/config exists), our own index (a copy taken before the engine ran) and the
// checkout's objects through alternates. `git add -A` there stages the work tree as a commit
// would — files ignored by .gitignore are not part of the change — and the diff against the
// task's commit gives the changed paths, their modes and contents, and a patch for people.
import { FILE_MODES, type FileMode } from '../../../src/contract/job-result.ts';
import { ActionError } from '../action-error.ts';
import type { Change } from '../runner-api/task-result.ts';
import type { CheckoutSnapshot } from './checkout-snapshot.ts';
import { parseCatFileBatch, parseRawDiff, type RawEntry } from './git-records.ts';
import { GitOutputTooLarge } from './hardened-git.ts';
import { openPrivateRepository, type PrivateRepository, stageWorkTree } from './private-repository.ts';
import { estimateBytes, GITLINK, resultTooLarge } from './result-size.ts';

export type CollectedChanges = { changes: Change[]; patch: string };

const DIFF_ARGS = ['--cached', '--no-renames', '--no-ext-diff', '--no-textconv', '--ignore-submodules=none'];

export async function collectChanges(
  snapshot: CheckoutSnapshot,
  options: { maxResultBytes: number },
): Promise<CollectedChanges> {
  const repo = await openPrivateRepository(snapshot);
  await stageWorkTree(repo, snapshot);
  const entries = parseRawDiff(
    await repo.run(['diff', ...DIFF_ARGS, '--raw', '-z', '--no-abbrev', snapshot.baseSha, '--']),
  );
  const blobs = blobsOf(entries);
  const estimate = estimateBytes(entries, await blobSizes(repo, blobs));
  const limit = options.maxResultBytes;
  if (estimate > limit) throw resultTooLarge(estimate, limit, entries.length);
  const patch = await readPatch(repo, snapshot.baseSha, { estimate, limit, files: entries.length });
  const contents =
    blobs.length > 0
      ? parseCatFileBatch(await repo.run(['cat-file', '--batch'], { input: listOf(blobs) }))
      : new Map();
  return { changes: entries.map((entry) => toChange(entry, contents)), patch };
}

/** The objects whose content is sent: added and modified files (a gitlink sends its commit id). */
function blobsOf(entries: readonly RawEntry[]): string[] {
  return [...new Set(entries.filter((e) => e.status !== 'deleted' && e.mode !== GITLINK).map((e) => e.oid))];
}

const listOf = (oids: readonly string[]) => `${oids.join('\n')}\n`;

async function blobSizes(repo: PrivateRepository, blobs: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (blobs.length === 0) return sizes;
  const checked = (await repo.run(['cat-file', '--batch-check'], { input: listOf(blobs) })).toString(
    'latin1',
  );
  for (const line of checked.split('\n')) {
    const [oid, , size] = line.split(' ');
    if (oid && size) sizes.set(oid, Number(size));
  }
  return sizes;
}

/** The patch for people, stopped as soon as it would take the result over the limit. */
async function readPatch(
  repo: PrivateRepository,
  baseSha: string,
  size: { estimate: number; limit: number; files: number },
): Promise<string> {
  try {
    const patch = await repo.run(
      ['diff', ...DIFF_ARGS, '--binary', '--full-index', '--no-color', baseSha, '--'],
      {
        maxOutputBytes: size.limit - size.estimate,
      },
    );
    return patch.toString('utf8');
  } catch (error) {
    if (error instanceof GitOutputTooLarge)
      throw resultTooLarge(size.estimate + error.limit, size.limit, size.files);
    throw error;
  }
}

function isFileMode(mode: string): mode is FileMode {
  return (FILE_MODES as readonly string[]).includes(mode);
}

function toChange(entry: RawEntry, contents: ReadonlyMap<string, Buffer>): Change {
  if (entry.status === 'deleted') return { path: entry.path, status: 'deleted' };
  const content = entry.mode === GITLINK ? Buffer.from(entry.oid, 'latin1') : contents.get(entry.oid);
  if (content === undefined)
    throw new ActionError('git-failed', `git did not return the content of ${entry.path}`);
  if (!isFileMode(entry.mode))
    throw new ActionError('git-failed', `git reported the unexpected mode ${entry.mode} for ${entry.path}`);
  return { path: entry.path, status: entry.status, mode: entry.mode, content: content.toString('base64') };
}
