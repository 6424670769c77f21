import { describe, expect, it } from 'vitest';
import { decideBranchUpdate } from '../../../src/core/publish/decide-branch-update.ts';

const base = 'b'.repeat(40);
const commit = { sha: 'c'.repeat(40), tree: 't'.repeat(40) };
const other = 'o'.repeat(40);

describe('decideBranchUpdate', () => {
  it.each([
    ['no branch yet', { current: undefined }, { kind: 'create' }],
    ['the branch at the base', { current: base }, { kind: 'fast_forward' }],
    ['a moved branch not read yet', { current: other }, { kind: 'inspect', current: other }],
    [
      'a head with this exact tree on the base (an earlier attempt)',
      { current: other, head: { tree: commit.tree, parents: [base] } },
      { kind: 'reuse', sha: other },
    ],
    [
      'a head with another tree',
      { current: other, head: { tree: 'x'.repeat(40), parents: [base] } },
      { kind: 'moved', current: other },
    ],
    [
      'a head with this tree on another parent',
      { current: other, head: { tree: commit.tree, parents: ['p'.repeat(40)] } },
      { kind: 'moved', current: other },
    ],
    [
      'a merge head with this tree',
      { current: other, head: { tree: commit.tree, parents: [base, 'p'.repeat(40)] } },
      { kind: 'moved', current: other },
    ],
  ])('%s → %j', (_what, facts, expected) => {
    expect(decideBranchUpdate({ baseSha: base, commit, ...facts })).toEqual(expected);
  });
});
