// Pure: reads what git prints for the collection — the changed paths of `git diff --raw -z` and
// the objects of `git cat-file --batch` — byte-exact, refusing a path that is not UTF-8.
import { ActionError } from '../action-error.ts';

export type RawEntry = { path: string; status: 'added' | 'modified' | 'deleted'; mode: string; oid: string };

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
