// Where the embedded cluster lives when the project sits where the `postgres` user cannot go.
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { placeCluster, relocatedDirectory } from '../../../src/platform/db/cluster-directory.ts';
import { postgresUser } from '../../../src/platform/db/postgres-user.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A clone in `mktemp -d`: a directory only its owner may enter. */
function privateProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-private-'));
  dirs.push(dir);
  chmodSync(dir, 0o700);
  return dir;
}

function relocationRoot(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-var-lib-'));
  dirs.push(dir);
  chmodSync(dir, 0o755);
  return dir;
}

const runAs = postgresUser();

describe('placeCluster', () => {
  it('keeps the default directory where the server can reach it, and moves it (linked) where it cannot', () => {
    const project = privateProject();
    const root = relocationRoot();
    const requested = path.join(project, '.data', 'postgres');
    const first = placeCluster(requested, runAs, { relocate: true, relocationRoot: root });
    if (!runAs) {
      // Not root: the server runs as this user, who can enter their own directory.
      expect(first).toEqual({ dir: requested });
      return;
    }
    const target = relocatedDirectory(requested, root);
    expect(first).toEqual({ dir: target, linkedFrom: requested });
    expect(lstatSync(requested).isSymbolicLink()).toBe(true);
    expect(readlinkSync(requested)).toBe(target);
    expect(statSync(target).uid).toBe(runAs.uid);

    // The next start finds the same cluster through the link.
    writeFileSync(path.join(target, 'marker'), 'kept');
    expect(placeCluster(requested, runAs, { relocate: true, relocationRoot: root })).toEqual(first);
  });

  it('gives two projects two clusters', () => {
    expect(relocatedDirectory('/tmp/a/.data/postgres', '/r')).not.toBe(
      relocatedDirectory('/tmp/b/.data/postgres', '/r'),
    );
  });

  it('never moves a directory someone chose, nor one that already holds data', () => {
    const project = privateProject();
    const chosen = path.join(project, 'pg');
    const held = path.join(project, '.data', 'postgres');
    mkdirSync(held, { recursive: true });
    writeFileSync(path.join(held, 'PG_VERSION'), '18\n');
    const root = relocationRoot();
    if (!runAs) {
      expect(placeCluster(chosen, runAs, { relocate: false }).dir).toBe(chosen);
      return;
    }
    expect(() => placeCluster(chosen, runAs, { relocate: false })).toThrow(
      expect.objectContaining({ code: 'postgres_unreachable', details: { dir: chosen } }),
    );
    expect(() => placeCluster(held, runAs, { relocate: true, relocationRoot: root })).toThrow(
      expect.objectContaining({ code: 'postgres_unreachable', details: { dir: held } }),
    );
    expect(lstatSync(held).isDirectory()).toBe(true);
  });
});
