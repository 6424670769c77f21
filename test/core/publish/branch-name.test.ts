import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { branchName, isSafeBranchName, slugify } from '../../../src/core/publish/branch-name.ts';

describe('branchName', () => {
  it.each([
    ['Add a README', 'agent/12-add-a-readme-t5'],
    ['--upload-pack=/tmp/evil', 'agent/12-upload-pack-tmp-evil-t5'],
    ['../../etc/passwd', 'agent/12-etc-passwd-t5'],
    ['a; rm -rf / #', 'agent/12-a-rm-rf-t5'],
    ['\u202Egnp.exe', 'agent/12-gnp-exe-t5'],
    ['$(whoami) `id`', 'agent/12-whoami-id-t5'],
    ['', 'agent/12-task-t5'],
    ['Café résumé', 'agent/12-cafe-resume-t5'],
    ['x'.repeat(300), `agent/12-${'x'.repeat(40)}-t5`],
  ])('names the branch for %j', (title, expected) => {
    const name = branchName('agent/', 12, title, 5, 1);
    expect(name).toBe(expected);
    expect(isSafeBranchName(name)).toBe(true);
  });

  it('adds the attempt after the first', () => {
    expect(branchName('agent/', 3, 'x', 9, 2)).toBe('agent/3-x-t9-a2');
  });

  it('always produces a safe name, whatever the title', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.nat(100000), (title, id) => {
        expect(isSafeBranchName(branchName('agent/', id + 1, title, id + 1, 1))).toBe(true);
      }),
    );
  });

  it.each(['-x', 'a..b', 'a//b', 'a/.hidden', 'x.lock', 'a b', 'a~b', 'a^b', 'a:b', 'refs/heads/../x'])(
    'calls %j unsafe',
    (name) => {
      expect(isSafeBranchName(name)).toBe(false);
    },
  );

  it('slugifies to lowercase ascii words', () => {
    expect(slugify('Hello, World!')).toBe('hello-world');
  });
});
