// The embedded server's cluster on disk: its password file, initdb on first start, and a server
// left behind by a SIGKILLed process stopped before a new one starts.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { Binaries } from './postgres-binaries.ts';
import { prepareDirectory, type RunAs } from './postgres-user.ts';

export function passwordFor(dir: string, runAs: RunAs): string {
  const file = path.join(dir, 'password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(file, runAs.uid, runAs.gid);
  return password;
}

export function initialise(binaries: Binaries, dataDir: string, passwordFile: string, runAs: RunAs): void {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  prepareDirectory(dataDir, runAs);
  const result = spawnSync(
    binaries.initdb,
    [
      `--pgdata=${dataDir}`,
      '--auth=scram-sha-256',
      '--username=postgres',
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
    ],
    { encoding: 'utf8', ...(runAs ?? {}), env: { ...process.env, LC_ALL: 'C' } },
  );
  if (result.error) {
    throw new AppError(
      'embedded_postgres_failed',
      { reason: `initdb could not start (${result.error.message})` },
      { cause: result.error },
    );
  }
  if (result.status !== 0) {
    const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' / ');
    throw new AppError('embedded_postgres_failed', {
      reason: `initdb failed (exit ${result.status}: ${output})`,
    });
  }
}

/** A server left running by a process that was SIGKILLed holds the data directory; stop it. */
export async function stopStaleServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // not running: Postgres removes a stale pid file itself
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new AppError('embedded_postgres_failed', {
    reason: `another PostgreSQL server (pid ${pid}) still holds ${dataDir}; stop it (kill ${pid}) and start again`,
  });
}

/**
 * The connection string of the embedded server already running on `dir` (an App started with
 * `npm start`), or undefined when none is: a second process reads the same cluster through it
 * instead of starting — and stopping — another server.
 */
export function runningServerUrl(dir: string): string | undefined {
  const pidFile = path.join(dir, 'data', 'postmaster.pid');
  const passwordFile = path.join(dir, 'password');
  if (!existsSync(pidFile) || !existsSync(passwordFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}
