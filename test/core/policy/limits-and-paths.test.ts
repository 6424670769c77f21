import { describe, expect, it } from 'vitest';
import { judgeChange } from '../../../src/core/policy/evaluate-change.ts';
import { pathProblem } from '../../../src/core/policy/path-rules.ts';
import { add, del, judge, modify, REPORT, rules, SETTINGS } from './support.ts';

describe('limits before work', () => {
  it('refuses 1,500 changed paths before asking for the base tree', () => {
    const many = Array.from({ length: 1500 }, (_, i) => add(`f${i}.txt`));
    expect(judgeChange(many, REPORT, { ...SETTINGS, maxFiles: 50 }, {})).toEqual({
      kind: 'refused',
      violations: [{ path: '(change)', rule: 'too-many-files', detail: '1500 files; the limit is 50' }],
    });
  });

  it.each([
    ['a file above the size limit', [add('big.bin', Buffer.alloc(1001, 1))], 'file-too-large'],
    ['an invalid path', [add('../outside.txt')], 'invalid-path'],
    ['a path twice', [add('a.txt'), del('a.txt')], 'invalid-path'],
    ['a submodule', [add('vendor/lib', 'a'.repeat(40), '160000')], 'submodule'],
  ])('refuses %s before asking for the base tree', (_what, changes, rule) => {
    const run = judge(changes);
    expect(rules(run)).toEqual([[changes.at(-1)!.path, rule]]);
    expect(run.readTree).toBe(false);
  });

  it('reads only the base versions of the files the change rewrites or removes', () => {
    const base = { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n', 'd.bin': { bytes: Buffer.from([0, 1]) } };
    const run = judge([modify('a.txt', 'A\n'), del('d.bin'), add('new.txt')], base);
    expect(run.verdict.kind).toBe('accepted');
    expect(run.blobReads).toHaveLength(2);
  });

  it('reads nothing of the base for a change refused by its tree', () => {
    const base = { 'a.txt': 'a\n', '.github/workflows/ci.yml': 'on: push\n' };
    const run = judge([modify('a.txt', 'A\n'), del('.github')], base);
    expect(rules(run)).toEqual([['.github/workflows/ci.yml', 'denied-path']]);
    expect(run.blobReads).toEqual([]);
  });

  it('refuses a base tree GitHub could not list whole', () => {
    const judgement = judgeChange([add('a.txt')], REPORT, SETTINGS, {
      base: { sha: 'x', entries: [], incomplete: 'the base tree is too large to list whole' },
    });
    expect(judgement).toEqual({
      kind: 'refused',
      violations: [
        { path: '(base)', rule: 'too-large-to-check', detail: 'the base tree is too large to list whole' },
      ],
    });
  });

  it('lists every violation of a stage at once', () => {
    expect(rules(judge([add('.github/workflows/x.yml'), add('CLAUDE.md'), add('ok.txt')]))).toEqual([
      ['.github/workflows/x.yml', 'denied-path'],
      ['CLAUDE.md', 'denied-path'],
    ]);
  });
});

describe('path validity', () => {
  it.each([
    ['/etc/passwd', 'absolute'],
    ['C:/x', 'absolute'],
    ['../outside.txt', '..'],
    ['a/../../b', '..'],
    ['a//b', 'empty'],
    ['./a', '.'],
    ['.git/config', '.git'],
    ['sub/.GIT/hooks/pre-commit', '.git'],
    ['a\\b', 'backslash'],
    ['bad\u0000name', 'control'],
    ['line\nbreak', 'control'],
    ['evil\u202Etxt.sh', 'bidirectional'],
    ['zero\u200Bwidth.ts', 'invisible'],
    ['.git\u200C/config', 'invisible'],
    ['.vscode\u206A/tasks.json', 'invisible'],
    ['.claude./settings.json', 'dot or a space'],
    ['CLAUDE.md ', 'dot or a space'],
    ['CLAUDE.md::$DATA', 'data stream'],
    ['GITHUB~1/workflows/x.yml', 'short name'],
    ['CLAUDE~1.MD', 'short name'],
    [`${'x'.repeat(256)}/a`, '255 bytes'],
  ])('refuses %j', (path, why) => {
    expect(pathProblem(path)).toContain(why);
  });

  it.each(['src/app.ts', 'a b/c.txt', 'docs/naïve.md', '.gitignore', 'v1.2/notes', 'backup~'])(
    'accepts %j',
    (path) => {
      expect(pathProblem(path)).toBeUndefined();
    },
  );
});
