import { describe, expect, it } from 'vitest';
import { treeId } from '../../../src/core/policy/tree-request.ts';
import { add, baseOf, del, flatten, gitId, judge, link, modify, rules } from './support.ts';

const lines = (n: number, word = 'line') => Array.from({ length: n }, (_, i) => `${word} ${i}`).join('\n');

describe('deletions and type changes count everything they remove', () => {
  const web = {
    'packages/web/src/a.ts': lines(1500),
    'packages/web/src/b.ts': lines(1500, 'other'),
    'README.md': '# x\n',
  };

  it.each([
    ['deleted', del('packages/web')],
    ['replaced by a file', add('packages/web', 'gone\n')],
    ['replaced by a symlink', link('packages/web', 'README.md')],
  ])('counts the 3,000 lines of a directory %s', (_what, change) => {
    expect(rules(judge([change], web, { maxLines: 2000, maxFiles: 50, maxFileBytes: 100_000 }))).toEqual([
      ['(change)', 'too-many-lines'],
    ]);
  });

  it('refuses a submodule in place of a directory before reading anything', () => {
    const run = judge([add('packages/web', 'a'.repeat(40), '160000')], web);
    expect(rules(run)).toEqual([['packages/web', 'submodule']]);
    expect(run.readTree).toBe(false);
  });

  it.each([
    ['deleted', del('vendor/lib')],
    ['inside a deleted directory', del('vendor')],
    ['replaced by a file', add('vendor/lib', 'x\n')],
  ])('refuses a submodule %s', (_what, change) => {
    const base = { 'vendor/lib': { submodule: 'b'.repeat(40) }, 'vendor/README': 'x\n' };
    expect(rules(judge([change], base))).toEqual([['vendor/lib', 'submodule']]);
  });

  it('counts each removed file against max-files', () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`gen/f${i}.txt`, 'x\n']));
    const run = judge([del('gen')], many);
    expect(run.verdict).toEqual({
      kind: 'refused',
      violations: [
        {
          path: '(change)',
          rule: 'too-many-files',
          detail: '12 files (12 of them removed); the limit is 10',
        },
      ],
    });
    expect(run.blobReads).toEqual([]);
  });

  it('counts the lines of a deleted file and of a file turned into a symlink', () => {
    const base = { 'a.txt': lines(60), 'b.txt': lines(60, 'b') };
    expect(rules(judge([del('a.txt'), link('b.txt', 'a.txt')], base))).toEqual([
      ['(change)', 'too-many-lines'],
    ]);
    expect(rules(judge([del('a.txt')], base))).toBe('accepted');
  });

  it('counts added and removed lines of a rewritten file', () => {
    const base = { 'a.txt': lines(60, 'old') };
    expect(rules(judge([modify('a.txt', lines(60, 'new'))], base))).toEqual([['(change)', 'too-many-lines']]);
    expect(rules(judge([modify('a.txt', `${lines(60, 'old')}\nmore`)], base))).toBe('accepted');
  });

  it('refuses removing or rewriting a base file above the size limit, without reading it', () => {
    const base = { 'data.bin': { bytes: Buffer.alloc(5000, 1) } };
    for (const change of [del('data.bin'), modify('data.bin', 'small\n')]) {
      const run = judge([change], base);
      expect(rules(run)).toEqual([['data.bin', 'file-too-large']]);
      expect(run.blobReads).toEqual([]);
    }
  });

  it('accepts a file turned into a directory when the change deletes the file', () => {
    const run = judge([del('docs'), add('docs/index.md', 'x\n')], { docs: 'was a file\n' });
    expect(run.verdict.kind).toBe('accepted');
  });
});

describe('what GitHub does not document is refused, not guessed', () => {
  it.each([
    [[add('a', 'x\n'), add('a/b', 'y\n')], {}, 'a/b', 'also writes `a` as a file'],
    [[add('a/b', 'y\n')], { a: 'file\n' }, 'a/b', '`a` is a file in the base tree'],
    [
      [add('lnk/x', 'y\n')],
      { lnk: { link: 'src' }, 'src/y': 'y\n' },
      'lnk/x',
      '`lnk` is a file in the base tree',
    ],
    [[del('missing.txt')], {}, 'missing.txt', 'does not have'],
    [[add('README.MD', 'x\n')], { 'README.md': 'x\n' }, 'README.MD', 'case-insensitive'],
    [[add('Docs/x.md', 'x\n')], { 'docs/y.md': 'y\n' }, 'Docs/x.md', 'case-insensitive'],
  ])('refuses %j', (changes, base, path, why) => {
    const run = judge(changes, base);
    expect(run.verdict).toEqual({
      kind: 'refused',
      violations: [{ path, rule: 'invalid-path', detail: expect.stringContaining(why) }],
    });
  });

  it('accepts renaming a file by case', () => {
    expect(rules(judge([del('README.md'), add('Readme.md', 'x\n')], { 'README.md': 'x\n' }))).toBe(
      'accepted',
    );
  });
});

describe('the tree request and the id of the tree it must build', () => {
  it('deletes a directory file by file, overwrites a replaced one, and writes after deleting', () => {
    const base = { 'gen/a.txt': 'a\n', 'gen/sub/b.txt': 'b\n', 'web/x.ts': 'x\n', 'old.txt': 'o\n' };
    const run = judge(
      [del('gen'), del('old.txt'), add('web', 'now a file\n'), add('old.txt/new.md', 'n\n')],
      base,
    );
    expect(run.verdict.kind).toBe('accepted');
    if (run.verdict.kind !== 'accepted') return;
    const entries = run.verdict.entries.map((e) => [e.path, 'sha' in e ? 'delete' : 'write']);
    expect(entries.slice(0, 3).sort()).toEqual([
      ['gen/a.txt', 'delete'],
      ['gen/sub/b.txt', 'delete'],
      ['old.txt', 'delete'],
    ]);
    expect(entries.slice(3)).toEqual([
      ['web', 'write'],
      ['old.txt/new.md', 'write'],
    ]);
    const expected = baseOf({ web: 'now a file\n', 'old.txt/new.md': 'n\n' }).listing.sha;
    expect(treeId(run.verdict.applied.result, gitId)).toBe(expected);
  });

  it('keeps untouched subtrees as they are and recomputes only what changed', () => {
    const files = { 'a/b/c.txt': 'c\n', 'a/d.txt': 'd\n', 'e/f.txt': 'f\n' };
    const run = judge([modify('a/d.txt', 'D\n')], files);
    if (run.verdict.kind !== 'accepted') throw new Error('refused');
    expect(treeId(run.verdict.applied.result, gitId)).toBe(
      baseOf({ ...files, 'a/d.txt': 'D\n' }).listing.sha,
    );
    expect(flatten(run.verdict.applied.result).get('e/f.txt')).toBe(
      `100644 ${gitId('blob', Buffer.from('f\n'))}`,
    );
  });
});
