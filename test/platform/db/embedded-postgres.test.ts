import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningPostgres, startEmbeddedPostgres } from '../../../src/platform/db/embedded-postgres.ts';
import { testClient } from '../../support/database.ts';
import { reservedPort } from '../../support/ports.ts';

const installed = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { postgres: string };
const packageRoot = path.resolve(path.dirname(installed.postgres), '..', '..');

let server: RunningPostgres | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('embedded PostgreSQL', () => {
  it('starts when its binaries sit under a directory only their owner can enter (a clone in mktemp -d)', async () => {
    // The package, as a clone in a private directory holds it: hard links, same layout.
    const closed = mkdtempSync(path.join(tmpdir(), 'pg-closed-'));
    dirs.push(closed);
    const copied = spawnSync('cp', ['-al', path.join(packageRoot, 'native'), path.join(closed, 'native')]);
    expect(copied.status, String(copied.stderr)).toBe(0);
    copyFileSync(path.join(packageRoot, 'package.json'), path.join(closed, 'package.json'));
    chmodSync(closed, 0o700);
    const bin = path.join(closed, 'native', 'bin');
    const binaries = {
      postgres: path.join(bin, 'postgres'),
      initdb: path.join(bin, 'initdb'),
      pg_ctl: path.join(bin, 'pg_ctl'),
    };

    const dir = mkdtempSync(path.join(tmpdir(), 'pg-cluster-'));
    dirs.push(dir);
    server = await startEmbeddedPostgres({ dir, ephemeral: true, binaries, port: await reservedPort() });
    const client = await testClient(server.url);
    const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
    await client.end();
    expect(rows).toEqual([{ one: 1 }]);

    // Which executable the server runs: as root (the server runs as `postgres`, who cannot enter
    // the private directory) a mirror inside the cluster's directory; otherwise the one given.
    const pid = Number(readFileSync(path.join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const exe = readlinkSync(`/proc/${pid}/exe`);
    if (userInfo().uid === 0) {
      const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
      expect(exe).toBe(path.join(dir, `binaries-${version}`, 'bin', 'postgres'));
    } else {
      expect(exe).toBe(binaries.postgres);
    }
  });
});
