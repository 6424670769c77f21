// What an agent (or a hostile repository) can plant in a checkout to run commands when the
// action collects the change: filter, diff and textconv drivers, fsmonitor, hooks,
// core.worktree. None of it may run, and the collected content must be the work tree's bytes.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { snapshotCheckout } from '../../action/src/changes/checkout-snapshot.ts';
import { collectChanges } from '../../action/src/changes/collect-changes.ts';
import { createRepo, gitEnv, type TempDir, tempDir } from './support/git-repo.ts';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

function plantHostileConfig(repoDir: string, markers: string): void {
  const bin = join(tmp.path, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = (name: string, body: string) => {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/sh\ntouch '${join(markers, name)}'\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const hooks = join(tmp.path, 'hooks');
  mkdirSync(hooks, { recursive: true });
  for (const hook of ['post-index-change', 'pre-commit', 'post-checkout']) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\ntouch '${join(markers, `hook-${hook}`)}'\n`);
    chmodSync(join(hooks, hook), 0o755);
    writeFileSync(
      join(repoDir, '.git/hooks', hook),
      `#!/bin/sh\ntouch '${join(markers, `git-hook-${hook}`)}'\n`,
    );
    chmodSync(join(repoDir, '.git/hooks', hook), 0o755);
  }
  const elsewhere = join(tmp.path, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  writeFileSync(join(elsewhere, 'stolen.txt'), 'a file outside the checkout\n');
  const included = join(tmp.path, 'included.gitconfig');
  writeFileSync(included, `[filter "inc"]\n\tclean = ${script('include-clean', 'cat')}\n`);
  appendFileSync(
    join(repoDir, '.git/config'),
    [
      '[filter "evil"]',
      `\tclean = ${script('filter-clean', 'tr a-z A-Z')}`,
      `\tsmudge = ${script('filter-smudge', 'cat')}`,
      '\trequired = true',
      '[filter "proc"]',
      `\tprocess = ${script('filter-process', 'exit 1')}`,
      '[diff "evil"]',
      `\ttextconv = ${script('diff-textconv', 'cat "$1"')}`,
      `\tcommand = ${script('diff-command', 'true')}`,
      '[diff]',
      `\texternal = ${script('diff-external', 'true')}`,
      '[core]',
      `\tfsmonitor = ${script('fsmonitor', 'exit 1')}`,
      `\thooksPath = ${hooks}`,
      `\tpager = ${script('pager', 'cat')}`,
      `\tworktree = ${elsewhere}`,
      '[include]',
      `\tpath = ${included}`,
      '',
    ].join('\n'),
  );
  mkdirSync(join(repoDir, '.git/info'), { recursive: true });
  writeFileSync(join(repoDir, '.git/info/attributes'), '* filter=evil diff=evil\n');
  writeFileSync(
    join(repoDir, '.gitattributes'),
    '*.txt filter=evil diff=evil\n*.proc filter=proc\n*.inc filter=inc\n',
  );
}

it('runs no filter, diff driver, textconv, fsmonitor or hook planted in the checkout, and reads only the work tree', async () => {
  const repo = createRepo(tmp.path, { 'a.txt': 'lower case\n', 'b.proc': 'p\n', 'c.inc': 'i\n' });
  const markers = join(tmp.path, 'markers');
  mkdirSync(markers);
  const stateDir = join(tmp.path, 'state');
  mkdirSync(stateDir);
  const snapshot = await snapshotCheckout({ workingDirectory: repo.dir, baseSha: repo.sha, stateDir });

  // The engine's turn: change files, then plant everything.
  writeFileSync(join(repo.dir, 'a.txt'), 'still lower case\n');
  writeFileSync(join(repo.dir, 'b.proc'), 'p2\n');
  writeFileSync(join(repo.dir, 'c.inc'), 'i2\n');
  writeFileSync(join(repo.dir, 'new.txt'), 'new\n');
  plantHostileConfig(repo.dir, markers);

  const { changes, patch } = await collectChanges(snapshot, { maxResultBytes: 1 << 20 });

  expect(readdirSync(markers)).toEqual([]);
  const paths = Object.fromEntries(changes.map((c) => [c.path, c]));
  expect(Object.keys(paths).sort()).toEqual(['.gitattributes', 'a.txt', 'b.proc', 'c.inc', 'new.txt']);
  const a = paths['a.txt'];
  expect(a?.status !== 'deleted' && Buffer.from(a?.content ?? '', 'base64').toString()).toBe(
    'still lower case\n',
  );
  expect(patch).toContain('+still lower case');
  expect(patch).not.toContain('stolen.txt');

  // The same checkout with plain git does run the planted commands: the plant is live.
  const plain = (...args: string[]) =>
    execFileSync('git', args, { cwd: repo.dir, env: gitEnv(repo.home), stdio: 'ignore' });
  try {
    plain('--work-tree', repo.dir, 'add', '--all');
    plain('--work-tree', repo.dir, 'diff', '--cached', 'HEAD');
  } catch {
    // filter-process fails on purpose; what matters is which commands ran.
  }
  const status = execFileSync('git', ['status', '--porcelain'], { cwd: repo.dir, env: gitEnv(repo.home) });
  expect(status.toString()).toContain('stolen.txt'); // core.worktree points plain git elsewhere
  expect(existsSync(join(markers, 'filter-clean'))).toBe(true);
  expect(existsSync(join(markers, 'fsmonitor'))).toBe(true);
  expect(existsSync(join(markers, 'hook-post-index-change'))).toBe(true);
});
