// The App as an operator runs it: `node src/boot/main.ts` as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reservedPort } from '../support/ports.ts';

const MAIN = path.resolve('src/boot/main.ts');
/** Every App process a test started, so none outlives a test that failed half-way. */
const started: Array<{ child: ChildProcess; exit: Promise<number | null> }> = [];

function start(
  env: Record<string, string>,
  cwd: string,
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: with it go what it runs meanwhile (initdb) if a test fails half-way.
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  started.push({ child, exit });
  return { child, output: () => text, exit };
}

// A first start runs initdb: on a loaded machine that alone can take tens of seconds.
async function waitFor(url: string, status: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status === status) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
}

function postgresPidOf(dataDir: string): number | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  return Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (src/boot/main.ts)', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-main-'));
  // Running as root, embedded Postgres runs as the `postgres` user, which must reach the directory.
  chmodSync(cwd, 0o755);
  afterAll(async () => {
    for (const app of started) {
      if (app.child.exitCode !== null || app.child.signalCode !== null) continue;
      try {
        process.kill(-app.child.pid!, 'SIGKILL');
      } catch {}
    }
    await Promise.all(started.map((app) => app.exit));
    // Its embedded Postgres stops once it is gone (its supervisor watches the App's pipe): the
    // directory is removed after that, or the server would write into it again.
    const pid = postgresPidOf(path.join(cwd, 'pg', 'data'));
    while (pid && alive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(cwd, { recursive: true, force: true });
  });

  it('as root, says which directory the postgres user cannot reach', async () => {
    const hidden = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-hidden-'));
    try {
      const port = await reservedPort();
      const app = start(
        {
          PORT: String(port),
          EMBEDDED_POSTGRES_DIR: path.join(hidden, 'pg'),
          EMBEDDED_POSTGRES_PORT: String(await reservedPort()),
        },
        cwd,
      );
      if (process.getuid?.() === 0) {
        expect(await app.exit).toBe(1);
        // A directory chosen with EMBEDDED_POSTGRES_DIR is never moved: one message with the fix.
        expectOneMessage(app.output());
        expect(app.output()).toBe(
          `Agent Dispatch cannot start: Running as root, the embedded PostgreSQL server runs as the 'postgres' user, which cannot reach ${path.join(hidden, 'pg')} (a parent directory is not searchable by other users). Set EMBEDDED_POSTGRES_DIR to a directory it can reach, such as /var/lib/agent-dispatch/postgres (move ${path.join(hidden, 'pg')} there first to keep its data), or set DATABASE_URL to use your own PostgreSQL server.\n`,
        );
      } else {
        // Not root: Postgres runs as this user, who owns the directory.
        await waitFor(`http://127.0.0.1:${port}/readyz`, 200);
        app.child.kill('SIGTERM');
        expect(await app.exit).toBe(0);
      }
    } finally {
      rmSync(hidden, { recursive: true, force: true });
    }
  });

  it('exits non-zero listing every configuration problem at once', async () => {
    const app = start(
      {
        APP_ID: '12',
        PRIVATE_KEY: '-----BEGIN RSA PRIVATE KEY-----\ngarbage\n-----END RSA PRIVATE KEY-----',
      },
      cwd,
    );
    const code = await app.exit;
    expect(code).toBe(78);
    expect(app.output()).toContain('Configuration is invalid (2 problems)');
    expect(app.output()).toMatch(/PRIVATE_KEY: is not a valid PEM private key/);
    expect(app.output()).toMatch(/WEBHOOK_SECRET: missing/);
  });

  /** A start-up failure is one paragraph: no stack frames, no library's internals. */
  function expectOneMessage(output: string): void {
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain('node_modules');
    expect(output.trim().split('\n')).toHaveLength(1);
  }

  it('names the gcp-sm:// reference it cannot read without Google credentials, with no stack trace', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-home-'));
    try {
      const reference = 'gcp-sm://projects/acme/secrets/app-key/versions/latest';
      // No GOOGLE_APPLICATION_CREDENTIALS, no gcloud login in HOME, no metadata server here.
      const app = start(
        {
          HOME: home,
          APP_ID: '12',
          WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
          PRIVATE_KEY: reference,
        },
        cwd,
      );
      expect(await app.exit).toBe(78);
      expect(app.output()).toContain(
        `PRIVATE_KEY: secret ${reference} could not be read: no Google credentials were found. Set GOOGLE_APPLICATION_CREDENTIALS`,
      );
      expect(app.output()).not.toMatch(/^\s+at /m);
      expect(app.output()).not.toContain('Could not load the default credentials');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('says which port is taken, and how to choose another', async () => {
    const port = await reservedPort();
    const holder = createServer().listen(port, '127.0.0.1');
    await once(holder, 'listening');
    try {
      const app = start({ PORT: String(port), EMBEDDED_POSTGRES_DIR: path.join(cwd, 'pg-port') }, cwd);
      expect(await app.exit).toBe(1);
      const stderr = app
        .output()
        .split('\n')
        .filter((line) => !line.startsWith('{'));
      expect(stderr.join('\n')).toBe(
        `Agent Dispatch cannot start: Cannot listen on 127.0.0.1:${port}: another process is using that port. Stop it, or set PORT to a free port.\n`,
      );
    } finally {
      holder.close();
    }
  }, 60_000);

  it('says which database it cannot reach, without its password', async () => {
    const closed = await reservedPort();
    const app = start({ DATABASE_URL: `postgres://agent:s3cret@127.0.0.1:${closed}/dispatch` }, cwd);
    expect(await app.exit).toBe(1);
    expect(app.output()).toBe(
      `Agent Dispatch cannot start: Cannot use the PostgreSQL database at agent@127.0.0.1:${closed}/dispatch: ECONNREFUSED (is the server running and reachable from here?). Check DATABASE_URL (leave it unset to run the embedded server).\n`,
    );
    expectOneMessage(app.output());
  });

  it('starts embedded Postgres, gets ready, stops cleanly on SIGTERM and keeps its data', async () => {
    // Both processes use the same ports: ports nobody else is handed in between.
    const port = await reservedPort();
    const env = {
      PORT: String(port),
      EMBEDDED_POSTGRES_DIR: path.join(cwd, 'pg'),
      EMBEDDED_POSTGRES_PORT: String(await reservedPort()),
    };
    const dataDir = path.join(cwd, 'pg', 'data');

    const first = start(env, cwd);
    await waitFor(`http://127.0.0.1:${port}/healthz`, 200).catch((error) => {
      throw new Error(`${error.message}\n${first.output()}`);
    });
    await waitFor(`http://127.0.0.1:${port}/readyz`, 200);
    expect(first.output()).toContain('"migrations":["0001_initial",');
    const pid = postgresPidOf(dataDir);
    expect(pid && alive(pid)).toBe(true);

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(alive(pid!)).toBe(false);

    const second = start(env, cwd);
    await waitFor(`http://127.0.0.1:${port}/readyz`, 200);
    expect(second.output()).not.toContain('database migrated');
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
    const secondPid = postgresPidOf(dataDir);
    expect(secondPid === undefined || !alive(secondPid)).toBe(true);
  }, 180_000);
});
