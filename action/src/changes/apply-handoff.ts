// The change an earlier pipeline step handed on, written into the checkout before the engine
// starts (after the snapshot, so the change collected afterwards holds it and what the engine
// adds). Paths come from the App, which checked them against the policy; they are still checked
// here: relative, no `..` or `.git` part, never written through a symlink or over a directory.
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import type { Change } from '../runner-api/task-result.ts';

function parts(path: string): string[] {
  const split = path.split('/');
  const bad = split.some(
    (p) => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git' || p.includes('\0'),
  );
  if (path.startsWith('/') || bad)
    throw new ActionError(
      'bad-spec',
      `The handed-on change holds the path ${JSON.stringify(path)}, which it may not.`,
    );
  return split;
}

function kind(path: string): 'none' | 'dir' | 'link' | 'file' {
  try {
    const stat = lstatSync(path);
    return stat.isSymbolicLink() ? 'link' : stat.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

/** Creates the parent directories of `segments` inside `root`, refusing any that is not a real directory. */
function parentOf(root: string, segments: string[]): string {
  let dir = root;
  for (const segment of segments.slice(0, -1)) {
    dir = join(dir, segment);
    const found = kind(dir);
    if (found === 'none') mkdirSync(dir);
    else if (found !== 'dir')
      throw new ActionError(
        'bad-spec',
        `The handed-on change writes below ${JSON.stringify(segment)}, which is not a directory.`,
      );
  }
  return dir;
}

function clear(path: string): void {
  const found = kind(path);
  if (found === 'dir') rmSync(path, { recursive: true, force: true });
  else if (found !== 'none') unlinkSync(path);
}

/** Writes `changes` into the work tree; returns how many were applied (gitlinks are not). */
export function applyHandedOnChanges(workTree: string, changes: readonly Change[]): number {
  let applied = 0;
  for (const change of changes) {
    const segments = parts(change.path);
    const target = join(parentOf(workTree, segments), segments.at(-1)!);
    clear(target);
    if (change.status === 'deleted') {
      applied++;
      continue;
    }
    const content = Buffer.from(change.content, 'base64');
    if (change.mode === '160000') continue; // a submodule pointer: not a file to write
    if (change.mode === '120000') symlinkSync(content.toString('utf8'), target);
    else {
      writeFileSync(target, content);
      chmodSync(target, change.mode === '100755' ? 0o755 : 0o644);
    }
    applied++;
  }
  return applied;
}
