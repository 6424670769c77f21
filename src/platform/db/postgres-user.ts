// Postgres refuses to run as root. Running as root, the embedded server runs as the `postgres`
// user, which must own and reach its directory.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { AppError } from '../../core/errors.ts';

export type RunAs = { uid: number; gid: number } | undefined;

/** Postgres refuses to run as root; as root, run it as the `postgres` user (created if missing). */
export function postgresUser(): RunAs {
  if (userInfo().uid !== 0) return undefined;
  const lookup = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (uid.status !== 0 || gid.status !== 0) return undefined;
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  const found = lookup();
  if (found) return found;
  const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], {
    encoding: 'utf8',
  });
  const after = lookup();
  if (!after) {
    throw new AppError('embedded_postgres_failed', {
      reason: `running as root, it runs as a 'postgres' user, and none could be created (${created.error?.message ?? created.stderr.trim()}); create one with \`useradd --system postgres\``,
    });
  }
  return after;
}

export function prepareDirectory(dir: string, runAs: RunAs): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new AppError('embedded_postgres_failed', {
      reason: `${dir} cannot be created (${(error as NodeJS.ErrnoException).code})`,
    });
  }
  if (!runAs) return;
  // The postgres user must own its directory and be able to reach it through every parent.
  chmodSync(dir, 0o755);
  chownSync(dir, runAs.uid, runAs.gid);
  if (!canEnter(dir, runAs)) throw new AppError('postgres_unreachable', { dir });
}

/** Whether `user` can enter `dir` (search permission on it and every parent). */
export function canEnter(dir: string, user: { uid: number; gid: number }): boolean {
  return spawnSync('/bin/sh', ['-c', 'cd "$1"', 'reach', dir], user).status === 0;
}
