// The README's Quick start, literally: a fresh clone in a `mktemp -d` directory (mode 0700), as
// the user running the suite (root on these machines and in CI), `npm ci` then `npm start` as
// its own process group: /readyz answers 200, SIGTERM to the group ends it with exit 0 and
// nothing left running, and a second start finds the same data.
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../support/database.ts';
import { reservedPort } from '../support/ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Processes of a process group, whatever they are (zombies too: an orphan whose zombie waits for
 * init to reap it still counts), one `ps` line each so a failure says what was left.
 */
function groupMembers(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => Number(line.split(/\s+/)[2]) === pgid);
}

function processGroupOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).trim());
}

describe('Quick start from a fresh 0700 clone', () => {
  let home: string;
  let clone: string;
  let port: number;

  beforeAll(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-quick-start-'));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    clone = path.join(home, 'agent-dispatch');
    // The working tree as a clone would have it: every file git tracks (or would), no build output.
    execFileSync('git', ['clone', '--quiet', '--no-local', ROOT, clone]);
    const changed = execFileSync('git', ['ls-files', '-mo', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    for (const file of changed.split('\0').filter(Boolean)) {
      execFileSync('cp', ['--parents', file, clone], { cwd: ROOT });
    }
    // The machine's npm cache stands in for the registry.
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: clone, stdio: 'pipe' });
    port = await reservedPort();
  }, 300_000);
  afterAll(() => {
    const link = path.join(clone, '.data', 'postgres');
    const moved = lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()
      ? realpathSync(link)
      : undefined;
    if (moved) rmSync(moved, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  async function npmStart(): Promise<{ pgid: number; exit: Promise<number | null>; output: () => string }> {
    // Its own process group, as a terminal gives it one.
    const child = spawn('npm', ['start'], {
      cwd: clone,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.stderr.on('data', (chunk) => {
      text += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && child.exitCode === null) {
      const status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return { pgid: child.pid ?? 0, exit, output: () => text };
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`/readyz never answered 200:\n${text}`);
  }

  function databaseUrl(): string {
    const dir = realpathSync(path.join(clone, '.data', 'postgres'));
    const password = readFileSync(path.join(dir, 'password'), 'utf8').trim();
    const pidFile = readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n');
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pidFile[3]}/postgres`;
  }

  it('npm ci && npm start: ready, SIGTERM exits 0 with nothing left running, and the data survives a restart', async () => {
    const first = await npmStart();
    const postgresPid = Number(
      readFileSync(
        path.join(realpathSync(path.join(clone, '.data', 'postgres')), 'data', 'postmaster.pid'),
        'utf8',
      ).split('\n')[0],
    );
    const client = await testClient(databaseUrl());
    await client.query('CREATE TABLE quick_start_marker (note text)');
    await client.query("INSERT INTO quick_start_marker VALUES ('kept')");
    await client.end();

    // Postgres runs in a process group of its own (a Ctrl-C reaches the App, which stops it in order).
    const postgresGroup = processGroupOf(postgresPid);
    expect(postgresGroup).not.toBe(first.pgid);

    process.kill(-first.pgid, 'SIGTERM');
    expect(await first.exit, first.output()).toBe(0);
    // Everything was waited for before npm exited: no process, not even an orphan's zombie, is
    // left in either group at that moment.
    expect(groupMembers(first.pgid)).toEqual([]);
    expect(groupMembers(postgresGroup)).toEqual([]);
    expect(alive(postgresPid)).toBe(false);
    expect(first.output()).not.toMatch(/^\s+at /m);

    const second = await npmStart();
    const again = await testClient(databaseUrl());
    const { rows } = await again.query('SELECT note FROM quick_start_marker');
    await again.end();
    expect(rows).toEqual([{ note: 'kept' }]);
    expect(second.output()).not.toContain('database migrated');
    process.kill(-second.pgid, 'SIGTERM');
    expect(await second.exit).toBe(0);
  }, 300_000);
});
