// How the agent's commit reaches its branch. Pure: the flow reads the branch's head (and, when
// it moved, that head's commit) and performs the answer. A publish repeated after a crash finds
// its own commit and reuses it; a branch someone else moved is never overwritten.

export type BranchFacts = {
  /** The commit the agent started from. */
  baseSha: string;
  /** The commit made for this publish. */
  commit: { sha: string; tree: string };
  /** The branch's head now; undefined when the branch does not exist. */
  current: string | undefined;
  /** The head's commit, when the head is neither absent nor the base. */
  head?: { tree: string; parents: string[] } | undefined;
};

export type BranchUpdate =
  | { kind: 'create' }
  | { kind: 'fast_forward' }
  /** An earlier attempt of this publish already made this exact commit. */
  | { kind: 'reuse'; sha: string }
  /** Someone else moved the branch: nothing is published. */
  | { kind: 'moved'; current: string }
  /** The head moved and its commit is needed to tell whether it is ours. */
  | { kind: 'inspect'; current: string };

export function decideBranchUpdate(facts: BranchFacts): BranchUpdate {
  const { current } = facts;
  if (current === undefined) return { kind: 'create' };
  if (current === facts.baseSha) return { kind: 'fast_forward' };
  if (!facts.head) return { kind: 'inspect', current };
  const ours = facts.head.tree === facts.commit.tree && facts.head.parents.join() === facts.baseSha;
  return ours ? { kind: 'reuse', sha: current } : { kind: 'moved', current };
}
