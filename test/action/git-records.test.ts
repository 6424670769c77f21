// Reading git's output for the collection, and sizing the result, without running git.
import { describe, expect, it } from 'vitest';
import { parseCatFileBatch, parseRawDiff } from '../../action/src/changes/git-records.ts';
import { base64Length, estimateBytes } from '../../action/src/changes/result-size.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);

describe('git diff --raw -z', () => {
  it('reads added, modified, type-changed and deleted paths, names with spaces and UTF-8 included', () => {
    const raw = Buffer.from(
      [
        `:000000 100644 ${Z} ${A} A`,
        'new file.txt',
        `:100644 100755 ${B} ${A} M`,
        'bin/run',
        `:100644 120000 ${B} ${A} T`,
        'link',
        `:100644 000000 ${B} ${Z} D`,
        'héllo.md',
        '',
      ].join('\0'),
    );
    expect(parseRawDiff(raw)).toEqual([
      { path: 'new file.txt', status: 'added', mode: '100644', oid: A },
      { path: 'bin/run', status: 'modified', mode: '100755', oid: A },
      { path: 'link', status: 'modified', mode: '120000', oid: A },
      { path: 'héllo.md', status: 'deleted', mode: '', oid: '' },
    ]);
  });

  it('refuses a path that is not UTF-8', () => {
    const raw = Buffer.concat([Buffer.from(`:000000 100644 ${Z} ${A} A\0`), Buffer.from([0xff, 0])]);
    expect(() => parseRawDiff(raw)).toThrow(/not valid UTF-8/);
  });
});

describe('git cat-file --batch', () => {
  it('keeps contents byte-exact, newlines in them included', () => {
    const raw = Buffer.from(`${A} blob 3\na\nb\n${B} blob 0\n\n`);
    const objects = parseCatFileBatch(raw);
    expect(objects.get(A)?.toString()).toBe('a\nb');
    expect(objects.get(B)?.length).toBe(0);
  });
});

describe('result size', () => {
  it('counts paths, base64 contents and a gitlink as its commit id', () => {
    const estimate = estimateBytes(
      [
        { path: 'a', status: 'added', mode: '100644', oid: A },
        { path: 'sub', status: 'added', mode: '160000', oid: B },
        { path: 'gone', status: 'deleted', mode: '', oid: '' },
      ],
      new Map([[A, 10]]),
    );
    expect(estimate).toBe(80 + 1 + base64Length(10) + 80 + 3 + base64Length(40) + 80 + 4);
  });
});
