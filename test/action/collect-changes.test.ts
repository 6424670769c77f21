import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../action/src/action-error.ts';
import { snapshotCheckout } from '../../action/src/changes/checkout-snapshot.ts';
import { collectChanges } from '../../action/src/changes/collect-changes.ts';
import type { Change } from '../../action/src/runner-api/task-result.ts';
import { createRepo, gitEnv, gitIn, type TempDir, tempDir } from './support/git-repo.ts';

const MiB = 1024 * 1024;
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function collect(repo: { dir: string; sha: string }, maxResultBytes = 20 * MiB) {
  const stateDir = join(tmp.path, `state-${Math.random().toString(36).slice(2)}`);
  mkdirSync(stateDir);
  const snapshot = await snapshotCheckout({ workingDirectory: repo.dir, baseSha: repo.sha, stateDir });
  return { snapshot, stateDir, collect: () => collectChanges(snapshot, { maxResultBytes }) };
}

function byPath(changes: Change[]): Record<string, Change> {
  return Object.fromEntries(changes.map((change) => [change.path, change]));
}

const decode = (change: Change | undefined) =>
  change && change.status !== 'deleted' ? Buffer.from(change.content, 'base64') : undefined;

describe('collectChanges', () => {
  it('reports added, modified, deleted, binary, executable and symlinked paths with their modes and contents', async () => {
    const repo = createRepo(tmp.path, {
      'keep.txt': 'unchanged\n',
      'modify.txt': 'before\n',
      'delete.txt': 'going\n',
      'dir/a.txt': 'a\n',
      'dir/b.txt': 'b\n',
      'run.sh': 'echo hi\n',
      '.gitignore': '*.log\n',
    });
    const { collect: run } = await collect(repo);
    // What an engine would do:
    writeFileSync(join(repo.dir, 'modify.txt'), 'after\n');
    unlinkSync(join(repo.dir, 'delete.txt'));
    rmSync(join(repo.dir, 'dir'), { recursive: true });
    writeFileSync(join(repo.dir, 'new.txt'), 'hello\n');
    writeFileSync(join(repo.dir, 'blob.bin'), BINARY);
    chmodSync(join(repo.dir, 'run.sh'), 0o755);
    symlinkSync('keep.txt', join(repo.dir, 'link'));
    writeFileSync(join(repo.dir, 'odd name\n.txt'), 'odd\n');
    writeFileSync(join(repo.dir, 'ünïcødé.txt'), 'u\n');
    writeFileSync(join(repo.dir, 'debug.log'), 'ignored by .gitignore\n');

    const { changes, patch } = await run();

    const paths = byPath(changes);
    expect(Object.keys(paths).sort()).toEqual(
      [
        'blob.bin',
        'delete.txt',
        'dir/a.txt',
        'dir/b.txt',
        'link',
        'modify.txt',
        'new.txt',
        'odd name\n.txt',
        'run.sh',
        'ünïcødé.txt',
      ].sort(),
    );
    expect(paths['new.txt']).toEqual({
      path: 'new.txt',
      status: 'added',
      mode: '100644',
      content: Buffer.from('hello\n').toString('base64'),
    });
    expect(paths['modify.txt']).toMatchObject({ status: 'modified', mode: '100644' });
    expect(decode(paths['modify.txt'])?.toString()).toBe('after\n');
    expect(paths['delete.txt']).toEqual({ path: 'delete.txt', status: 'deleted' });
    expect(paths['dir/a.txt']).toEqual({ path: 'dir/a.txt', status: 'deleted' });
    expect(decode(paths['blob.bin'])).toEqual(BINARY);
    expect(paths['run.sh']).toMatchObject({ status: 'modified', mode: '100755' });
    expect(paths.link).toMatchObject({ status: 'added', mode: '120000' });
    expect(decode(paths.link)?.toString()).toBe('keep.txt');
    expect(decode(paths['odd name\n.txt'])?.toString()).toBe('odd\n');
    expect(paths['debug.log']).toBeUndefined();
    expect(patch).toContain('GIT binary patch');
    expect(patch).toContain('new mode 100755');
  });

  it('produces a patch that recreates the work tree on a fresh clone of the base commit', async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'one\n', 'gone.txt': 'x\n', 'bin.dat': BINARY });
    const { collect: run } = await collect(repo);
    writeFileSync(join(repo.dir, 'a.txt'), 'two\n');
    unlinkSync(join(repo.dir, 'gone.txt'));
    writeFileSync(join(repo.dir, 'bin.dat'), Buffer.concat([BINARY, BINARY.reverse()]));
    writeFileSync(join(repo.dir, 'c.txt'), 'new\n');

    const { patch } = await run();

    const clone = join(tmp.path, 'clone');
    execFileSync('git', ['clone', '--quiet', repo.dir, clone], { env: gitEnv(repo.home) });
    execFileSync('git', ['apply', '--binary', '--index'], {
      cwd: clone,
      input: patch,
      env: gitEnv(repo.home),
    });
    for (const file of ['a.txt', 'bin.dat', 'c.txt']) {
      expect(readFileSync(join(clone, file))).toEqual(readFileSync(join(repo.dir, file)));
    }
    expect(() => readFileSync(join(clone, 'gone.txt'))).toThrow();
  });

  it('reports a submodule whose commit changed, and a nested repository, as gitlinks carrying the commit id', async () => {
    const lib = createRepo(tmp.path, { 'lib.txt': 'v1\n' }, 'lib');
    const repo = createRepo(tmp.path, { 'main.txt': 'main\n' });
    // The base commit records vendor/lib at lib's first commit (a submodule gitlink).
    execFileSync('git', ['clone', '--quiet', lib.dir, join(repo.dir, 'vendor/lib')], {
      env: gitEnv(repo.home),
    });
    repo.git('update-index', '--add', '--cacheinfo', `160000,${lib.sha},vendor/lib`);
    repo.git('commit', '--quiet', '-m', 'add submodule');
    const withSubmodule = { ...repo, sha: repo.git('rev-parse', 'HEAD') };
    const { collect: run } = await collect(withSubmodule);
    // The engine moves the submodule forward and creates a nested repository of its own.
    const sub = gitIn(join(repo.dir, 'vendor/lib'), repo.home);
    writeFileSync(join(repo.dir, 'vendor/lib/lib.txt'), 'v2\n');
    sub('commit', '--quiet', '-am', 'v2');
    const moved = sub('rev-parse', 'HEAD');
    const nested = createRepo(repo.dir, { 'n.txt': 'n\n' }, 'nested');

    const paths = byPath((await run()).changes);

    expect(paths['vendor/lib']).toMatchObject({ status: 'modified', mode: '160000' });
    expect(decode(paths['vendor/lib'])?.toString()).toBe(moved);
    expect(paths.nested).toMatchObject({ status: 'added', mode: '160000' });
    expect(decode(paths.nested)?.toString()).toBe(nested.sha);
  });

  it('reports no changes when the engine changed nothing, even with an uninitialized submodule', async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    repo.git('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},empty-submodule`);
    repo.git('commit', '--quiet', '-m', 'submodule never checked out');
    mkdirSync(join(repo.dir, 'empty-submodule')); // what actions/checkout leaves without `submodules:`
    const { collect: run } = await collect({ ...repo, sha: repo.git('rev-parse', 'HEAD') });
    expect(await run()).toEqual({ changes: [], patch: '' });
  });

  it('does not report the files a sparse checkout left out as deleted', async () => {
    const repo = createRepo(tmp.path, { 'in/a.txt': 'a\n', 'out/b.txt': 'b\n' });
    repo.git('sparse-checkout', 'set', 'in');
    expect(existsSync(join(repo.dir, 'out/b.txt'))).toBe(false);
    const { collect: run } = await collect(repo);
    writeFileSync(join(repo.dir, 'in/a.txt'), 'changed\n');
    const { changes } = await run();
    expect(changes.map((change) => [change.path, change.status])).toEqual([['in/a.txt', 'modified']]);
  });

  it("leaves the checkout's own index and .git untouched", async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    const { collect: run } = await collect(repo);
    writeFileSync(join(repo.dir, 'b.txt'), 'b\n');
    const indexBefore = readFileSync(join(repo.dir, '.git/index'));
    await run();
    expect(readFileSync(join(repo.dir, '.git/index'))).toEqual(indexBefore);
    expect(repo.git('status', '--porcelain')).toBe('?? b.txt');
  });

  it('refuses a change larger than limits.maxResultBytes, naming the limit', async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    const { collect: run } = await collect(repo, 4096);
    writeFileSync(join(repo.dir, 'big.bin'), Buffer.alloc(10_000, 7));
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).code).toBe('result-too-large');
    expect((error as ActionError).message).toContain('limits.maxResultBytes');
  });

  it("refuses to start from a checkout that is not at the task's commit", async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    repo.git('commit', '--quiet', '--allow-empty', '-m', 'later');
    const error = await collect(repo).catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('checkout-mismatch');
    expect((error as ActionError).message).toContain(repo.sha);
  });
});

describe("collectChanges and git's racy-clean index entries", () => {
  it('sees a same-size edit made within the second the checkout was written, collected a second later', async () => {
    // Retry until the edit lands in the same second as the checkout's index (the racy case).
    for (let attempt = 0; attempt < 20; attempt++) {
      const root = join(tmp.path, `try-${attempt}`);
      mkdirSync(root);
      const repo = createRepo(root, { 'a.txt': 'one\n' });
      const { collect: run } = await collect(repo);
      writeFileSync(join(repo.dir, 'a.txt'), 'two\n');
      const second = (path: string) => Math.floor(statSync(path).mtimeMs / 1000);
      if (second(join(repo.dir, '.git/index')) !== second(join(repo.dir, 'a.txt'))) continue;
      // Collect in a later second than the edit, as a slower engine would.
      const edited = second(join(repo.dir, 'a.txt'));
      while (Math.floor(Date.now() / 1000) <= edited) await new Promise((resolve) => setTimeout(resolve, 50));
      const { changes } = await run();
      expect(changes).toEqual([
        {
          path: 'a.txt',
          status: 'modified',
          mode: '100644',
          content: Buffer.from('two\n').toString('base64'),
        },
      ]);
      return;
    }
    throw new Error("could not make an edit within the checkout's second in 20 tries");
  });
});
