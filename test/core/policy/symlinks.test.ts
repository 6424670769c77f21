import { describe, expect, it } from 'vitest';
import { resolveLink } from '../../../src/core/policy/resolve-links.ts';
import { treeFromListing } from '../../../src/core/policy/tree-model.ts';
import { add, type BaseFile, baseOf, del, judge, link, modify, rules } from './support.ts';

describe('resolveLink', () => {
  const files: Record<string, BaseFile> = {
    'a/b/c': { link: '../../d' },
    d: { link: 'e/../f' },
    f: 'the end\n',
    up: { link: 'a/b/../..' },
    loop1: { link: 'loop2' },
    loop2: { link: 'loop1' },
    'x/self': { link: '.' },
    'x/far': { link: 'self/self/self/../../../../etc/passwd' },
    Mixed: { link: '..' },
  };
  const { listing, blobs } = baseOf(files);
  const tree = treeFromListing(listing.sha, listing.entries);
  const targetOf = (leaf: { sha: string | null }) => blobs.get(leaf.sha!)?.toString('utf8');
  const resolve = (path: string, fold = false) => resolveLink(tree, path, targetOf, fold);

  it.each([
    ['a/b/c', 'inside', 'f'],
    ['up', 'inside', ''],
    ['loop1', 'loop', undefined],
    ['x/far', 'outside', undefined],
  ])('resolves %s as %s', (path, kind, end) => {
    const r = resolve(path);
    expect(r.kind).toBe(kind);
    if (r.kind === 'inside') expect(r.path).toBe(end);
  });

  it('follows every link of a chain and records them', () => {
    expect(resolve('a/b/c')).toMatchObject({ kind: 'inside', path: 'f', links: ['a/b/c', 'd'] });
  });

  it('looks names up case-insensitively when asked, as macOS and Windows do', () => {
    const folded = baseOf({ 'l/m': { link: '../mixed/x' }, Mixed: { link: '..' } });
    const t = treeFromListing(folded.listing.sha, folded.listing.entries);
    const of = (leaf: { sha: string | null }) => folded.blobs.get(leaf.sha!)?.toString('utf8');
    expect(resolveLink(t, 'l/m', of, false)).toMatchObject({ kind: 'inside', path: 'mixed/x' });
    expect(resolveLink(t, 'l/m', of, true).kind).toBe('outside');
  });
});

describe('symlinks in the tree that would be published', () => {
  it('refuses three chained links that each read as inside but end at /etc/passwd', () => {
    // Lexically `docs/guide` is d/up2/etc/passwd, `d/up2` is d and `d/up` the root; really
    // `d/up2` is the root's parent.
    const run = judge([
      link('docs/guide', '../d/up2/etc/passwd'),
      link('d/up2', 'up/..'),
      link('d/up', '..'),
    ]);
    expect(rules(run)).toEqual([
      ['docs/guide', 'symlink-outside-repo'],
      ['d/up2', 'symlink-outside-repo'],
    ]);
  });

  it('follows a link to a directory as the kernel does, not lexically', () => {
    // `b/../../c` climbs above the root as text, but `b` is x/y, so it ends at c.
    expect(rules(judge([link('a', 'b/../../c'), link('b', 'x/y')]))).toBe('accepted');
    expect(rules(judge([link('deep/x', 'link-up/..'), link('deep/link-up', '../..')]))).toEqual([
      ['deep/x', 'symlink-outside-repo'],
      ['deep/link-up', 'symlink-outside-repo'],
    ]);
  });

  it('refuses a link to a directory that makes a later component climb out', () => {
    // `up` is the root seen from `sub/`; `sub/up/..` is then above the root.
    expect(rules(judge([link('sub/up', '..'), link('sub/out', 'up/../x')]))).toEqual([
      ['sub/out', 'symlink-outside-repo'],
    ]);
  });

  it.each([
    [[link('a', 'a')], 'a', 'symlink-loop'],
    [[link('a', 'b'), link('b', 'a')], 'a', 'symlink-loop'],
    [[link('a', '.git/config')], 'a', 'symlink-invalid'],
    [[link('a', '.GIT/hooks/pre-commit')], 'a', 'symlink-invalid'],
    [[link('a', 'dir\\..\\..\\x')], 'a', 'symlink-invalid'],
    [[link('a', 'C:/Windows')], 'a', 'symlink-invalid'],
    [[link('a', '')], 'a', 'symlink-invalid'],
    [[link('a', 'GITHUB~1/workflows')], 'a', 'symlink-invalid'],
    [[link('a', 'vendor/lib/x')], 'a', 'symlink-invalid'],
    [[link('a', '.github/workflows/ci.yml')], 'a', 'denied-path'],
    [[link('a', '.github/../src')], 'a', 'denied-path'],
    [[link('a', 'CLAUDE.md')], 'a', 'denied-path'],
    [[link('a', 'b'), link('b', '.claude/settings.json')], 'a', 'denied-path'],
  ])('refuses %j', (changes, path, rule) => {
    const base = { 'vendor/lib': { submodule: 'a'.repeat(40) }, 'src/x.ts': 'x\n' };
    expect(rules(judge(changes, base))).toEqual(expect.arrayContaining([[path, rule]]));
  });

  it('quotes the target so nothing in it renders in a comment', () => {
    const run = judge([link('link', '/@acme/security `x`')]);
    expect(run.verdict).toMatchObject({
      violations: [{ detail: "the symlink points outside the repository (`/@acme/security 'x'`)" }],
    });
  });

  it.each([[link('dir/link', '../README.md')], [link('dangling', 'not/yet/there')], [link('a/up', '..')]])(
    'accepts a link that stays inside: %j',
    (change) => {
      expect(rules(judge([change], { 'README.md': 'x\n' }))).toBe('accepted');
    },
  );

  it('refuses a change that makes an existing link point outside', () => {
    // The base link `docs/api` resolves inside; replacing the directory it climbs through with a
    // link sends it out, although the new link alone points inside.
    const base = { 'docs/api': { link: '../gen/out/../../api' }, 'gen/out/x': 'x\n', api: 'api\n' };
    const run = judge([del('gen/out/x'), link('gen/out', '.')], base);
    expect(rules(run)).toEqual([['docs/api', 'symlink-outside-repo']]);
  });

  it('refuses a change that makes a dangling link out of the repository resolve', () => {
    // `a` is missing, so the kernel stops there today; once the change creates it, `a/../..` is
    // the root's parent.
    const base = { 'docs/l': { link: '../a/../../outside' }, 'docs/x.md': 'x\n' };
    // A plain file is enough: the directory it creates is what the link climbs through.
    expect(rules(judge([add('a/y.txt')], base))).toEqual([['docs/l', 'symlink-outside-repo']]);
    expect(rules(judge([add('a/y.txt'), link('n', 'docs/x.md')], base))).toEqual([
      ['docs/l', 'symlink-outside-repo'],
    ]);
    expect(rules(judge([add('b/y.txt')], base))).toBe('accepted');
  });

  it('refuses a change whose new directory turns an existing dangling link into a loop', () => {
    // Found by the properties test: `a` stops at the missing `x.txt` in the base; once the change
    // makes `x.txt` a directory, `x.txt/./../a` is `a` itself.
    const base = { a: { link: 'x.txt/./../a/a' }, 'c/x.txt': { link: 'sub/b/./b' }, 'c/CLAUDE.md': 'one\n' };
    expect(rules(judge([add('x.txt/a')], base))).toEqual([['a', 'symlink-loop']]);
  });

  it('leaves alone a link of the base that already pointed outside and that the change does not reach', () => {
    const base = { 'vendor/sys': { link: '/usr/share/zoneinfo' }, 'README.md': 'x\n' };
    expect(rules(judge([link('docs/readme', '../README.md')], base))).toBe('accepted');
  });

  it('reads base links only when the change touches links, makes a directory or the base has a protected one', () => {
    const base = { 'docs/l': { link: '../README.md' }, 'README.md': 'x\n' };
    expect(judge([add('notes.txt')], base).blobReads).toEqual([]);
    expect(judge([add('docs/notes.txt')], base).blobReads).toEqual([]);
    expect(judge([link('n', 'README.md')], base).blobReads).toHaveLength(1);
    expect(judge([add('new/notes.txt')], base).blobReads).toHaveLength(1);
  });

  it('refuses changing what a protected link points at', () => {
    const base = {
      '.claude/settings.json': { link: '../config/claude.json' },
      'config/claude.json': '{}\n',
      CLAUDE: 'not protected\n',
    };
    expect(rules(judge([modify('config/claude.json', '{"hooks":1}\n')], base))).toEqual([
      ['config/claude.json', 'denied-path'],
    ]);
    expect(rules(judge([del('config')], base))).toEqual([['config/claude.json', 'denied-path']]);
    expect(rules(judge([add('config/other.json', '{}\n')], base))).toBe('accepted');
  });
});
