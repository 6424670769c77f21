// Where the embedded server keeps its cluster. Running as root, the server runs as the `postgres`
// user, which must reach the directory through every parent. A clone in `mktemp -d` (mode 0700)
// or under /root hides the default `.data/postgres` from that user: the cluster then lives under
// /var/lib/agent-dispatch instead (a place that survives restarts, one directory per project
// path), and `.data/postgres` becomes a symbolic link to it, so it is found again on the next start
// and a person looking for the data sees where it is.
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';
import { canEnter, prepareDirectory, type RunAs } from './postgres-user.ts';

export const RELOCATED_CLUSTERS_ROOT = '/var/lib/agent-dispatch';

export type ClusterPlacement = {
  /** The directory the server uses (its real path). */
  dir: string;
  /** The path asked for, when it is a link to `dir` because the `postgres` user cannot reach it. */
  linkedFrom?: string;
};

export type PlacementOptions = {
  /** Move the cluster when the `postgres` user cannot reach `requested` (the default directory). */
  relocate: boolean;
  /** Where relocated clusters go (default /var/lib/agent-dispatch). */
  relocationRoot?: string;
};

function nearestExisting(dir: string): string {
  let current = dir;
  while (!existsSync(current)) current = path.dirname(current);
  return current;
}

function isEmptyDirectory(dir: string): boolean {
  return lstatSync(dir).isDirectory() && readdirSync(dir).length === 0;
}

/** One directory per project path: two clones never share a cluster, one clone always finds its own. */
export function relocatedDirectory(requested: string, root = RELOCATED_CLUSTERS_ROOT): string {
  const id = createHash('sha256').update(requested).digest('hex').slice(0, 12);
  return path.join(root, `postgres-${id}`);
}

export function placeCluster(requested: string, runAs: RunAs, options: PlacementOptions): ClusterPlacement {
  const asked = path.resolve(requested);
  const linked = existsSync(asked) && lstatSync(asked).isSymbolicLink();
  const real = existsSync(asked) ? realpathSync(asked) : asked;
  // The directory itself is made the user's own (prepareDirectory); its parents must let it through.
  if (!runAs || canEnter(nearestExisting(path.dirname(real)), runAs)) {
    prepareDirectory(real, runAs);
    return linked ? { dir: real, linkedFrom: asked } : { dir: real };
  }
  const occupied = existsSync(asked) && !(linked || isEmptyDirectory(asked));
  if (!options.relocate || occupied) throw new AppError('postgres_unreachable', { dir: asked });

  const target = relocatedDirectory(asked, options.relocationRoot);
  try {
    mkdirSync(target, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new AppError('embedded_postgres_failed', {
      reason: `the 'postgres' user cannot reach ${asked}, and ${target} cannot be created (${(error as NodeJS.ErrnoException).code})`,
    });
  }
  if (!canEnter(nearestExisting(path.dirname(target)), runAs)) {
    throw new AppError('postgres_unreachable', { dir: target });
  }
  prepareDirectory(target, runAs);
  const previous = lstatSync(asked, { throwIfNoEntry: false });
  if (previous?.isSymbolicLink()) unlinkSync(asked);
  else if (previous) rmdirSync(asked);
  mkdirSync(path.dirname(asked), { recursive: true });
  symlinkSync(target, asked);
  return { dir: target, linkedFrom: asked };
}
