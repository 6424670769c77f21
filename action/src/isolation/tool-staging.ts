// Programs the engine user must run but cannot reach — a CLI in a tool cache under a private
// home, the action's own Node.js inside the runner's directory — are linked into the engine's
// directory (copied when they live on another file system) rather than opening the way to where
// they are. The copies belong to the action's user: the engine can run them, not change them.
import {
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { ancestorsOf } from './path-modes.ts';

/** Pure: "others" may search every directory above `path` and read (and, for a file, run) it. */
export function othersCanRun(path: string, modeOf: (path: string) => number): boolean {
  if (ancestorsOf(path).some((dir) => (modeOf(dir) & 0o001) === 0)) return false;
  // A directory must be listable and enterable; a file readable and runnable.
  return (modeOf(path) & 0o005) === 0o005;
}

function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** A copy of the tree at `from` made of hard links (or copies), symbolic links kept as they are. */
function linkTree(from: string, to: string): void {
  const stats = lstatSync(from);
  if (stats.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
  } else if (stats.isDirectory()) {
    mkdirSync(to, { mode: 0o755 }); // its own copy: others may list and enter it
    for (const name of readdirSync(from)) linkTree(join(from, name), join(to, name));
  } else if (stats.isFile()) {
    linkOrCopy(from, to);
  }
}

export type ToolStage = {
  /** `path` itself when the engine user can run it there, else its copy in the stage. */
  place(path: string): string;
};

export function toolStage(dir: string, modeOf: (path: string) => number): ToolStage {
  const placed = new Map<string, string>();
  let count = 0;
  return {
    place(path) {
      const real = realpathSync(path);
      if (othersCanRun(real, modeOf)) return path;
      const known = placed.get(real);
      if (known !== undefined) return known;
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      count += 1;
      const slot = join(dir, String(count));
      mkdirSync(slot, { mode: 0o755 });
      const copy = join(slot, basename(real));
      linkTree(real, copy);
      placed.set(real, copy);
      return copy;
    },
  };
}
