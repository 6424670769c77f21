// Creates a bare repository with a first commit of seed files (text or bytes, executable bits, symlinks).

import { buildTree, type TreeEdit, type TreeMode, writeCommit } from './objects.ts';
import { readRef, writeRef } from './refs.ts';
import { git } from './run-git.ts';

export type SeedFile = string | { content: string | Buffer; mode?: 'file' | 'executable' | 'symlink' };
export type SeedFiles = Record<string, SeedFile>;

const modes: Record<'file' | 'executable' | 'symlink', TreeMode> = {
  file: '100644',
  executable: '100755',
  symlink: '120000',
};

export function seedEdits(files: SeedFiles): TreeEdit[] {
  return Object.entries(files).map(([filePath, seed]) => {
    const spec = typeof seed === 'string' ? { content: seed } : seed;
    const content = typeof spec.content === 'string' ? Buffer.from(spec.content, 'utf8') : spec.content;
    return { path: filePath, mode: modes[spec.mode ?? 'file'], content };
  });
}

export async function initBareRepo(
  gitDir: string,
  options: { defaultBranch: string; files: SeedFiles; author: { name: string; email: string }; date: string },
): Promise<string> {
  await git(gitDir, ['init', '--bare', '--quiet', `--initial-branch=${options.defaultBranch}`]);
  await git(gitDir, ['config', 'core.symlinks', 'true']);
  await git(gitDir, ['config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const tree = await buildTree(gitDir, null, seedEdits(options.files));
  const person = { ...options.author, date: options.date };
  const sha = await writeCommit(gitDir, {
    tree,
    parents: [],
    message: 'Initial commit\n',
    author: person,
    committer: person,
  });
  await writeRef(gitDir, `refs/heads/${options.defaultBranch}`, sha, null);
  return sha;
}

/** Commits files on top of a branch (as a person pushing would) and moves the branch. */
export async function commitFiles(
  gitDir: string,
  options: {
    branch: string;
    parent: string | null;
    files: SeedFiles;
    deletes?: string[];
    message: string;
    author: { name: string; email: string };
    date: string;
  },
): Promise<string> {
  const edits: TreeEdit[] = [
    ...(options.deletes ?? []).map((p) => ({ path: p, delete: true as const })),
    ...seedEdits(options.files),
  ];
  const base = options.parent ? `${options.parent}^{tree}` : null;
  const tree = await buildTree(gitDir, base, edits);
  const person = { ...options.author, date: options.date };
  const sha = await writeCommit(gitDir, {
    tree,
    parents: options.parent ? [options.parent] : [],
    message: options.message.endsWith('\n') ? options.message : `${options.message}\n`,
    author: person,
    committer: person,
  });
  const current = (await readRef(gitDir, `refs/heads/${options.branch}`))?.sha ?? null;
  await writeRef(gitDir, `refs/heads/${options.branch}`, sha, current);
  return sha;
}
