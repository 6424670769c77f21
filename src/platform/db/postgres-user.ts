// Postgres refuses to run as root. Running as root, the embedded server runs as the `postgres`
// user, which must own and reach its directory.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';

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
    throw new Error(
      `Running as root, embedded PostgreSQL needs a 'postgres' user and could not create one: ${created.error?.message ?? created.stderr.trim()}`,
    );
  }
  return after;
}

export function prepareDirectory(dir: string, runAs: RunAs): void {
  mkdirSync(dir, { recursive: true });
  if (!runAs) return;
  // The postgres user must own its directory and be able to reach it through every parent.
  chmodSync(dir, 0o755);
  chownSync(dir, runAs.uid, runAs.gid);
  const reach = spawnSync('/bin/sh', ['-c', 'cd "$1"', 'reach', dir], { ...runAs, encoding: 'utf8' });
  if (reach.status !== 0) {
    throw new Error(
      `The 'postgres' user cannot reach ${dir} (a parent directory is not searchable by other users). ` +
        'Set EMBEDDED_POSTGRES_DIR to a directory it can reach, such as /var/lib/agent-dispatch, or set DATABASE_URL.',
    );
  }
}
