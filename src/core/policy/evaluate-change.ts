// The patch policy: the job's change judged as the tree it would publish. Pure, and asked again
// as evidence arrives, so it alone decides what the App reads of the base, and reads nothing
// more once the answer is known:
//   1. the result alone (paths, limits, sizes, symlink targets, credentials in paths and the
//      report) — refused here, nothing is read;
//   2. with the base tree (one listing): the change applied, every written and removed file
//      against the file limit and the protected paths;
//   3. with the targets of the base's symlinks, when the change writes or removes a link, makes a
//      directory the base lacks, or the base has a protected link: every link resolved through
//      the resulting tree;
//   4. with the base versions of the files it rewrites or removes: changed lines, new credentials.
// A change that breaks any rule is refused whole; the violations found by the first stage that
// finds any are listed (a change over the limits is not read further to list more).
import type { Change, Report } from '../../contract/job-result.ts';
import { type Applied, applyChange } from './apply-change.ts';
import { checkBeforeReading } from './check-before-reading.ts';
import { checkLinks } from './check-links.ts';
import { baseFilesRead, checkContent, checkStructure } from './check-result.ts';
import { protectedPathMatcher } from './protected-paths.ts';
import type { TargetOf } from './resolve-links.ts';
import { redactViolations } from './scan-credentials.ts';
import { type Dir, LINK_MODE, type ListedEntry, nodeAt, treeFromListing } from './tree-model.ts';
import { type TreeRequestEntry, treeRequest } from './tree-request.ts';
import type { PolicySettings, Violation } from './violation.ts';

/**
 * Whether the result has a directory where the base has none: an existing link that stopped at
 * a missing name may now walk through it (`a/../..` climbs out once `a` exists), so every link
 * of the base must be resolved again. Files at new paths in existing directories change nothing
 * a link can climb through.
 */
function makesDirectories(base: Dir, applied: Applied): boolean {
  for (const path of applied.written.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (nodeAt(base, parts.slice(0, i).join('/'))?.kind !== 'dir') return true;
    }
  }
  return false;
}

/** At most this many symlink targets of the base are read. */
export const MAX_BASE_LINK_READS = 500;
/** At most this many bytes of base files are read to count lines. */
export const MAX_BASE_READ_BYTES = 64 * 1024 * 1024;

/** The base tree as listed; `incomplete` says why it could not be listed whole. */
export type BaseListing = { sha: string; entries: ListedEntry[]; incomplete?: string | undefined };

export type Evidence = {
  base?: BaseListing | undefined;
  /** Base blobs read so far, by object id. */
  blobs?: ReadonlyMap<string, Buffer> | undefined;
};

export type Judgement =
  | { kind: 'refused'; violations: Violation[] }
  | { kind: 'needs-base' }
  | { kind: 'needs-blobs'; shas: string[]; bytes: number }
  | { kind: 'accepted'; applied: Applied; entries: TreeRequestEntry[] };

function refused(violations: Violation[]): Judgement {
  return { kind: 'refused', violations: redactViolations(violations) };
}

function tooLarge(detail: string): Judgement {
  return refused([{ path: '(base)', rule: 'too-large-to-check', detail }]);
}

function missing(shas: Iterable<string>, blobs: ReadonlyMap<string, Buffer>): string[] {
  return [...new Set(shas)].filter((sha) => !blobs.has(sha));
}

export function judgeChange(
  changes: Change[],
  report: Report,
  settings: PolicySettings,
  evidence: Evidence,
): Judgement {
  const first = checkBeforeReading(changes, report, settings);
  if (first.length > 0) return refused(first);
  if (!evidence.base) return { kind: 'needs-base' };
  if (evidence.base.incomplete !== undefined) return tooLarge(evidence.base.incomplete);

  const blobs = evidence.blobs ?? new Map<string, Buffer>();
  const isProtected = protectedPathMatcher(settings);
  const base = treeFromListing(evidence.base.sha, evidence.base.entries);
  const applied = applyChange(base, changes);
  const structure = checkStructure(applied, settings, isProtected);
  if (structure.length > 0) return refused(structure);

  const baseLinks = evidence.base.entries.filter((e) => e.mode === LINK_MODE && e.type === 'blob');
  const touchesLinks =
    [...applied.written.values()].some((w) => w.mode === LINK_MODE || w.before?.mode === LINK_MODE) ||
    applied.removed.some((r) => r.leaf.mode === LINK_MODE);
  const needsTargets =
    baseLinks.length > 0 &&
    (touchesLinks || makesDirectories(base, applied) || baseLinks.some((l) => isProtected(l.path)));
  if (needsTargets) {
    if (baseLinks.length > MAX_BASE_LINK_READS)
      return tooLarge(
        `the base tree has ${baseLinks.length} symlinks; the policy resolves at most ${MAX_BASE_LINK_READS}`,
      );
    const unread = missing(
      baseLinks.map((l) => l.sha),
      blobs,
    );
    if (unread.length > 0) return { kind: 'needs-blobs', shas: unread, bytes: unread.length * 4096 };
  }
  const targetOf: TargetOf = (leaf) =>
    (leaf.content ?? (leaf.sha === null ? undefined : blobs.get(leaf.sha)))?.toString('utf8');
  const links = checkLinks({
    base,
    applied,
    baseLinks: baseLinks.map((l) => l.path),
    baseTargetsKnown: needsTargets,
    targetOf,
    isProtected,
  });
  if (links.length > 0) return refused(links);

  const reads = baseFilesRead(applied);
  const unread = missing(
    reads.map((r) => r.leaf.sha),
    blobs,
  );
  if (unread.length > 0) {
    const sizes = new Map(reads.map((r) => [r.leaf.sha, r.leaf.size ?? 0]));
    const bytes = unread.reduce((sum, sha) => sum + (sizes.get(sha) ?? 0), 0);
    if (bytes > MAX_BASE_READ_BYTES)
      return tooLarge(
        `the change rewrites or removes ${bytes} bytes of existing files; the policy reads at most ${MAX_BASE_READ_BYTES}`,
      );
    return { kind: 'needs-blobs', shas: unread, bytes };
  }
  const content = checkContent(applied, blobs, settings);
  if (content.length > 0) return refused(content);
  return { kind: 'accepted', applied, entries: treeRequest(applied) };
}
