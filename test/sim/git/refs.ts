// Git references of a bare repository: read, list by prefix, create, move (with compare-and-swap), delete.
import { git, gitText } from './run-git.ts';

export type RefRecord = { ref: string; sha: string; type: 'commit' | 'tree' | 'blob' | 'tag' };

const ZERO = '0'.repeat(40);

export async function listRefs(gitDir: string, prefix = 'refs/'): Promise<RefRecord[]> {
  const format = '%(refname)%00%(objectname)%00%(objecttype)';
  const text = await gitText(gitDir, ['for-each-ref', `--format=${format}`, 'refs/']);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref, sha, type] = line.split('\0') as [string, string, RefRecord['type']];
      return { ref, sha, type };
    })
    .filter((record) => record.ref.startsWith(prefix))
    .sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
}

export async function readRef(gitDir: string, ref: string): Promise<RefRecord | null> {
  const all = await listRefs(gitDir, ref);
  return all.find((record) => record.ref === ref) ?? null;
}

/** Moves `ref` to `sha` only if it still points at `expected` (null: must not exist). */
export async function writeRef(
  gitDir: string,
  ref: string,
  sha: string,
  expected: string | null,
): Promise<void> {
  await git(gitDir, ['update-ref', ref, sha, expected ?? ZERO]);
}

export async function deleteRef(gitDir: string, ref: string): Promise<void> {
  await git(gitDir, ['update-ref', '-d', ref]);
}
