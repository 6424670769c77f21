// The App as an operator runs it: `node src/boot/main.ts` as a child process.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

async function waitFor(url: string, status: number, timeoutMs = 30_000): Promise<void> {
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
        expect(app.output()).toContain(`The 'postgres' user cannot reach ${path.join(hidden, 'pg')}`);
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
  }, 90_000);
});
