// The resulting tree judged as a whole: every path the change writes and every file of the base
// it removes (a deleted or replaced directory counts each file in it) against the file-count
// limit and the protected paths; then, with the base versions read, changed lines and new
// credentials. Pure.
import type { Applied } from './apply-change.ts';
import { changedLines } from './line-count.ts';
import type { ProtectedMatcher } from './protected-paths.ts';
import { newCredentialKinds } from './scan-credentials.ts';
import { type Leaf, SUBMODULE_MODE } from './tree-model.ts';
import { type PolicySettings, quoted, type Violation } from './violation.ts';

/** A file whose content counts for lines (not a symlink, not a submodule). */
export function isRegular(leaf: Leaf | undefined): leaf is Leaf & { sha: string } {
  return leaf !== undefined && leaf.sha !== null && (leaf.mode === '100644' || leaf.mode === '100755');
}

/** Base files whose content the line count needs: what the change rewrites or removes. */
export function baseFilesRead(applied: Applied): { path: string; leaf: Leaf & { sha: string } }[] {
  const out: { path: string; leaf: Leaf & { sha: string } }[] = [];
  for (const w of applied.written.values())
    if (isRegular(w.before)) out.push({ path: w.path, leaf: w.before });
  for (const r of applied.removed) if (isRegular(r.leaf)) out.push({ path: r.path, leaf: r.leaf });
  return out;
}

export function checkStructure(
  applied: Applied,
  settings: PolicySettings,
  isProtected: ProtectedMatcher,
): Violation[] {
  const violations: Violation[] = [...applied.problems];
  for (const w of applied.written.values()) {
    const why = isProtected(w.path);
    if (why)
      violations.push({ path: w.path, rule: 'denied-path', detail: `an agent may not change it: ${why}` });
  }
  for (const r of applied.removed) {
    const why = isProtected(r.path);
    if (!why) continue;
    const how = r.by === r.path ? 'the change deletes it' : `the change removes it with ${quoted(r.by)}`;
    violations.push({
      path: r.path,
      rule: 'denied-path',
      detail: `${how}; an agent may not change it: ${why}`,
    });
  }
  // A submodule is protected by `.gitmodules`; removing or replacing one is a submodule change too.
  const submodules = [
    ...applied.removed.filter((r) => r.leaf.mode === SUBMODULE_MODE).map((r) => r.path),
    ...[...applied.written.values()].filter((w) => w.before?.mode === SUBMODULE_MODE).map((w) => w.path),
  ];
  for (const path of submodules) {
    violations.push({ path, rule: 'submodule', detail: 'the change removes or replaces a submodule' });
  }
  for (const { path, leaf } of baseFilesRead(applied)) {
    if ((leaf.size ?? 0) > settings.maxFileBytes) {
      const how = applied.written.has(path) ? 'rewrites' : 'removes';
      violations.push({
        path,
        rule: 'file-too-large',
        detail: `the change ${how} a file of ${leaf.size} bytes; the limit is ${settings.maxFileBytes}`,
      });
    }
  }
  const touched = new Set([...applied.written.keys(), ...applied.removed.map((r) => r.path)]);
  if (touched.size > settings.maxFiles) {
    const removedOnly = [...touched].filter((p) => !applied.written.has(p)).length;
    violations.push({
      path: '(change)',
      rule: 'too-many-files',
      detail: `${touched.size} files (${removedOnly} of them removed); the limit is ${settings.maxFiles}`,
    });
  }
  return violations;
}

/** Changed lines and new credentials, with the base versions in `blobs` (by object id). */
export function checkContent(
  applied: Applied,
  blobs: ReadonlyMap<string, Buffer>,
  settings: PolicySettings,
): Violation[] {
  const violations: Violation[] = [];
  const baseContent = (leaf: Leaf | undefined) => (isRegular(leaf) ? blobs.get(leaf.sha) : undefined);
  let lines = 0;
  for (const w of applied.written.values()) {
    const regular = w.mode === '100644' || w.mode === '100755';
    const before = baseContent(w.before);
    lines += changedLines(before, regular ? w.content : undefined);
    if (!regular) continue;
    for (const kind of newCredentialKinds(w.content, before)) {
      violations.push({
        path: w.path,
        rule: 'credential',
        detail: `a credential (${kind}) in the file's content`,
      });
    }
  }
  for (const r of applied.removed) lines += changedLines(baseContent(r.leaf), undefined);
  if (lines > settings.maxLines) {
    violations.push({
      path: '(change)',
      rule: 'too-many-lines',
      detail: `${lines} lines; the limit is ${settings.maxLines}`,
    });
  }
  return violations;
}
