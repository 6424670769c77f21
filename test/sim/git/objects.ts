// Reading and writing real git objects (blobs, trees, commits) in a bare repository.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { guid } from '../state/ids.ts';
import { git, gitObjectRead, gitSucceeds, gitText, OBJECT_ID } from './run-git.ts';

export type ObjectType = 'blob' | 'tree' | 'commit' | 'tag';
export const treeModes = ['100644', '100755', '040000', '160000', '120000'] as const;
export type TreeMode = (typeof treeModes)[number];

export type TreeItem = { path: string; mode: string; type: ObjectType; sha: string; size?: number };
export type Person = { name: string; email: string; date: string };
export type CommitData = {
  sha: string;
  tree: string;
  parents: string[];
  author: Person;
  committer: Person;
  message: string;
  signature: string | null;
  payload: string;
};

export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export async function objectType(gitDir: string, sha: string): Promise<ObjectType | null> {
  if (!OBJECT_ID.test(sha)) return null;
  try {
    return (await gitObjectRead(gitDir, ['cat-file', '-t', sha])).toString('utf8').trim() as ObjectType;
  } catch {
    return null;
  }
}

export async function writeBlob(gitDir: string, content: Buffer): Promise<string> {
  return (await gitText(gitDir, ['hash-object', '-w', '--stdin'], { input: content })).trim();
}

export async function readBlob(gitDir: string, sha: string): Promise<Buffer> {
  const args = ['cat-file', 'blob', sha];
  return OBJECT_ID.test(sha) ? gitObjectRead(gitDir, args) : git(gitDir, args);
}

export async function readTree(gitDir: string, treeish: string, recursive: boolean): Promise<TreeItem[]> {
  const args = ['ls-tree', '-l', '-z', ...(recursive ? ['-r', '-t'] : []), treeish];
  const text = (await (OBJECT_ID.test(treeish) ? gitObjectRead : git)(gitDir, args)).toString('utf8');
  return text
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [string, ObjectType, string, string];
      const item: TreeItem = { path: line.slice(tab + 1), mode, type, sha };
      if (size !== '-') item.size = Number(size);
      return item;
    });
}

export type TreeEdit =
  | { path: string; mode: TreeMode; sha: string }
  | { path: string; mode: TreeMode; content: Buffer }
  | { path: string; delete: true };

/** Applies edits in order to a base tree (or an empty one) and writes the resulting tree. */
export async function buildTree(gitDir: string, baseTree: string | null, edits: TreeEdit[]): Promise<string> {
  const files = new Map<string, { mode: string; sha: string }>();
  if (baseTree) {
    for (const item of await readTree(gitDir, baseTree, true)) {
      if (item.type !== 'tree') files.set(item.path, { mode: item.mode, sha: item.sha });
    }
  }
  const removeUnder = (prefix: string) => {
    files.delete(prefix);
    for (const key of [...files.keys()]) if (key.startsWith(`${prefix}/`)) files.delete(key);
  };
  for (const edit of edits) {
    const clean = edit.path.replace(/^\/+|\/+$/g, '');
    if ('delete' in edit) {
      removeUnder(clean);
      continue;
    }
    removeUnder(clean);
    const parts = clean.split('/');
    for (let i = 1; i < parts.length; i++) files.delete(parts.slice(0, i).join('/'));
    if (edit.mode === '040000') {
      const sha = 'sha' in edit ? edit.sha : EMPTY_TREE;
      for (const item of await readTree(gitDir, sha, true)) {
        if (item.type !== 'tree') files.set(`${clean}/${item.path}`, { mode: item.mode, sha: item.sha });
      }
      continue;
    }
    const sha = 'sha' in edit ? edit.sha : await writeBlob(gitDir, edit.content);
    files.set(clean, { mode: edit.mode, sha });
  }
  return writeIndexTree(gitDir, files);
}

async function writeIndexTree(
  gitDir: string,
  files: Map<string, { mode: string; sha: string }>,
): Promise<string> {
  const indexFile = path.join(tmpdir(), `sim-index-${guid()}`);
  const env = { GIT_INDEX_FILE: indexFile };
  try {
    await git(gitDir, ['read-tree', '--empty'], { env });
    const lines = [...files].map(([file, { mode, sha }]) => `${mode} ${sha}\t${file}\0`).join('');
    if (lines) await git(gitDir, ['update-index', '-z', '--index-info'], { env, input: lines });
    return (await gitText(gitDir, ['write-tree', '--missing-ok'], { env })).trim();
  } finally {
    await rm(indexFile, { force: true });
  }
}

function gitDate(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`invalid date ${iso}`);
  return `${Math.floor(ms / 1000)} +0000`;
}

export async function writeCommit(
  gitDir: string,
  commit: { tree: string; parents: string[]; message: string; author: Person; committer: Person },
): Promise<string> {
  const args = ['commit-tree', commit.tree, ...commit.parents.flatMap((p) => ['-p', p])];
  const env = {
    GIT_AUTHOR_NAME: commit.author.name,
    GIT_AUTHOR_EMAIL: commit.author.email,
    GIT_AUTHOR_DATE: gitDate(commit.author.date),
    GIT_COMMITTER_NAME: commit.committer.name,
    GIT_COMMITTER_EMAIL: commit.committer.email,
    GIT_COMMITTER_DATE: gitDate(commit.committer.date),
  };
  return (await gitText(gitDir, args, { env, input: commit.message })).trim();
}

function parsePerson(value: string): Person {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) return { name: value, email: '', date: new Date(0).toISOString() };
  const date = new Date(Number(match[3]) * 1000).toISOString().replace('.000Z', 'Z');
  return { name: match[1] ?? '', email: match[2] ?? '', date };
}

export async function readCommit(gitDir: string, sha: string): Promise<CommitData | null> {
  if ((await objectType(gitDir, sha)) !== 'commit') return null;
  const raw = (await gitObjectRead(gitDir, ['cat-file', 'commit', sha])).toString('utf8');
  const split = raw.indexOf('\n\n');
  const headerText = split === -1 ? raw : raw.slice(0, split);
  const message = split === -1 ? '' : raw.slice(split + 2);
  const data: CommitData = {
    sha,
    tree: '',
    parents: [],
    author: parsePerson(''),
    committer: parsePerson(''),
    message,
    signature: null,
    payload: '',
  };
  const payloadLines: string[] = [];
  let inSignature = false;
  for (const line of headerText.split('\n')) {
    if (inSignature && line.startsWith(' ')) {
      data.signature = `${data.signature}\n${line.slice(1)}`;
      continue;
    }
    inSignature = false;
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'gpgsig') {
      data.signature = value;
      inSignature = true;
      continue;
    }
    payloadLines.push(line);
    if (key === 'tree') data.tree = value;
    else if (key === 'parent') data.parents.push(value);
    else if (key === 'author') data.author = parsePerson(value);
    else if (key === 'committer') data.committer = parsePerson(value);
  }
  data.payload = `${payloadLines.join('\n')}\n\n${message}`;
  return data;
}

export async function resolveCommit(gitDir: string, rev: string): Promise<string | null> {
  try {
    const args = ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`];
    // A branch moves; a commit id names the same commit for ever.
    const answer = await (OBJECT_ID.test(rev) ? gitObjectRead : git)(gitDir, args);
    return answer.toString('utf8').trim() || null;
  } catch {
    return null;
  }
}

export function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  return gitSucceeds(gitDir, ['merge-base', '--is-ancestor', ancestor, descendant]);
}

/** The paths that differ between two commits (or every path of `to` when `from` is null). */
export async function changedPaths(gitDir: string, from: string | null, to: string): Promise<string[]> {
  const args = from
    ? ['diff-tree', '-r', '--no-commit-id', '--name-only', '-z', from, to]
    : ['ls-tree', '-r', '--name-only', '-z', to];
  return (await gitText(gitDir, args)).split('\0').filter(Boolean);
}

export async function mergeBase(gitDir: string, a: string, b: string): Promise<string | null> {
  try {
    return (await gitText(gitDir, ['merge-base', a, b])).trim() || null;
  } catch {
    return null;
  }
}

/** A file (blob or symlink) at a commit, or a directory listing, or null when the path does not exist. */
export async function entryAt(gitDir: string, commit: string, filePath: string): Promise<TreeItem | null> {
  const clean = filePath.replace(/^\/+|\/+$/g, '');
  if (!clean) return { path: '', mode: '040000', type: 'tree', sha: await treeOf(gitDir, commit) };
  const args = ['ls-tree', '-l', '-z', commit, '--', clean];
  const text = (await (OBJECT_ID.test(commit) ? gitObjectRead : git)(gitDir, args)).toString('utf8');
  const line = text.split('\0').find(Boolean);
  if (!line) return null;
  const tab = line.indexOf('\t');
  const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [string, ObjectType, string, string];
  if (line.slice(tab + 1) !== clean) return null;
  return { path: clean, mode, type, sha, ...(size === '-' ? {} : { size: Number(size) }) };
}

export async function treeOf(gitDir: string, commit: string): Promise<string> {
  const args = ['rev-parse', `${commit}^{tree}`];
  return (await (OBJECT_ID.test(commit) ? gitObjectRead : git)(gitDir, args)).toString('utf8').trim();
}
