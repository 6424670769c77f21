// The symlinks of the resulting tree, judged by where they really point (resolve-links.ts),
// as a case-sensitive and as a case-insensitive file system would follow them:
// - a link the change writes may not leave the repository, loop, point into `.git` or a
//   submodule, or point at or through a protected path;
// - a link already in the base may not be made to do so by the change (a link it replaces on the
//   way, a directory that became a link);
// - a path the change writes or removes may not be what a protected link points at (writing
//   `config/claude.json` when `.claude/settings.json` links to it changes the protected file).
// Pure.
import type { Applied } from './apply-change.ts';
import type { ProtectedMatcher } from './protected-paths.ts';
import { type Resolution, resolveLink, type TargetOf } from './resolve-links.ts';
import { type Dir, isLink, nodeAt } from './tree-model.ts';
import { quoted, type Violation } from './violation.ts';

type Finding = Omit<Violation, 'path'>;

function judge(resolution: Resolution, isProtected: ProtectedMatcher): Finding | undefined {
  switch (resolution.kind) {
    case 'outside':
      return { rule: 'symlink-outside-repo', detail: 'the symlink points outside the repository' };
    case 'loop':
      return { rule: 'symlink-loop', detail: 'the symlink chain loops or is longer than 40 links' };
    case 'invalid':
      return {
        rule: 'symlink-invalid',
        detail: `the symlink ${quoted(resolution.link)} ${resolution.reason}`,
      };
    case 'submodule':
      return {
        rule: 'symlink-invalid',
        detail: `the symlink points into the submodule ${quoted(resolution.path)}, whose content the policy cannot see`,
      };
    case 'unknown':
      return {
        rule: 'too-large-to-check',
        detail: `the target of the symlink ${quoted(resolution.link)} was not read`,
      };
    case 'inside': {
      const through = [...resolution.walked, resolution.path, ...resolution.links.slice(1)].find(
        (p) => p !== '' && isProtected(p) !== undefined,
      );
      if (through === undefined) return undefined;
      return {
        rule: 'denied-path',
        detail: `the symlink points at or through the protected path ${quoted(through)}`,
      };
    }
  }
}

function resolutions(tree: Dir, link: string, targetOf: TargetOf): Resolution[] {
  return [resolveLink(tree, link, targetOf, false), resolveLink(tree, link, targetOf, true)];
}

function findings(tree: Dir, link: string, targetOf: TargetOf, isProtected: ProtectedMatcher): Finding[] {
  const all = resolutions(tree, link, targetOf).flatMap((r) => judge(r, isProtected) ?? []);
  return [...new Map(all.map((f) => [`${f.rule}:${f.detail}`, f])).values()];
}

/** Whether the change made `path` something else: created, removed, or another file or link. */
function changedAt(base: Dir, result: Dir, path: string): boolean {
  const [a, b] = [nodeAt(base, path), nodeAt(result, path)];
  if (a === undefined || b === undefined) return a !== b;
  if (a.kind === 'dir' || b.kind === 'dir') return a.kind !== b.kind;
  return a.mode !== b.mode || a.sha !== b.sha;
}

export type LinkCheck = {
  base: Dir;
  applied: Applied;
  /** Paths of the base tree's symlinks. */
  baseLinks: string[];
  /** Whether every base link's target is known (else only the links the change writes are judged). */
  baseTargetsKnown: boolean;
  targetOf: TargetOf;
  isProtected: ProtectedMatcher;
};

export function checkLinks(check: LinkCheck): Violation[] {
  const { base, applied, targetOf, isProtected } = check;
  const violations: Violation[] = [];
  const writtenLinks = [...applied.written.values()].filter((w) => w.mode === '120000').map((w) => w.path);
  for (const link of writtenLinks) {
    const leaf = nodeAt(applied.result, link);
    const target = (isLink(leaf) && targetOf(leaf)) || '';
    for (const f of findings(applied.result, link, targetOf, isProtected)) {
      const shown = f.rule === 'symlink-outside-repo' ? `${f.detail} (${quoted(target, 100)})` : f.detail;
      violations.push({ path: link, rule: f.rule, detail: shown });
    }
  }
  if (!check.baseTargetsKnown) return violations;

  // Base links still in the result, unchanged: refused if the change makes one wrong, or changes
  // what a link that was already wrong reaches (a dangling link out of the repository that the
  // change makes resolve).
  const kept = check.baseLinks.filter((p) => !applied.written.has(p) && isLink(nodeAt(applied.result, p)));
  for (const link of kept) {
    const before = new Set(findings(base, link, targetOf, isProtected).map((f) => `${f.rule}:${f.detail}`));
    for (const r of resolutions(applied.result, link, targetOf)) {
      const f = judge(r, isProtected);
      if (!f) continue;
      const walked = 'walked' in r ? r.walked : [];
      if (before.has(`${f.rule}:${f.detail}`) && !walked.some((w) => changedAt(base, applied.result, w)))
        continue;
      violations.push({
        path: link,
        rule: f.rule,
        detail: `the change makes this existing symlink wrong: ${f.detail}`,
      });
    }
  }

  // What protected links point at is protected too.
  const changed = [...applied.written.keys(), ...applied.removed.map((r) => r.path)];
  for (const link of [...writtenLinks, ...kept]) {
    if (isProtected(link) === undefined) continue;
    for (const r of resolutions(applied.result, link, targetOf)) {
      if (r.kind !== 'inside') continue;
      for (const path of changed) {
        if (path === link || !(r.path === '' || path === r.path || path.startsWith(`${r.path}/`))) continue;
        violations.push({
          path,
          rule: 'denied-path',
          detail: `the protected symlink ${quoted(link)} points here, so changing it changes a protected path`,
        });
      }
    }
  }
  return [...new Map(violations.map((v) => [`${v.path}\0${v.rule}\0${v.detail}`, v])).values()];
}
