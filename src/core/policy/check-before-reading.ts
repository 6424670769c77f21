// What can be judged from the job's result alone, before the App reads anything of the base:
// path validity, the file-count and size limits, submodules, symlink targets as written, and
// credentials in paths, symlink targets, the report and new files. A change refused here costs no request
// to GitHub. Pure.
import type { Change, Report } from '../../contract/job-result.ts';
import { linkTargetProblem, pathProblem } from './path-rules.ts';
import { credentialsIn, reportCredentials } from './scan-credentials.ts';
import { LINK_MODE, SUBMODULE_MODE } from './tree-model.ts';
import { type PolicySettings, quoted, type Violation } from './violation.ts';

function kinds(input: Buffer | string): string[] {
  return [...new Set(credentialsIn(input).map((m) => m.kind))];
}

function checkWrite(change: Extract<Change, { content: string }>, settings: PolicySettings): Violation[] {
  const p = change.path;
  const content = Buffer.from(change.content, 'base64');
  if (change.mode === SUBMODULE_MODE)
    return [{ path: p, rule: 'submodule', detail: 'submodule changes are not allowed' }];
  if (change.mode === LINK_MODE) {
    const target = content.toString('utf8');
    const out: Violation[] = kinds(content).map((kind) => ({
      path: p,
      rule: 'credential',
      detail: `a credential (${kind}) in the symlink's target`,
    }));
    if (target.startsWith('/'))
      out.push({
        path: p,
        rule: 'symlink-outside-repo',
        detail: `the symlink points outside the repository (${quoted(target, 100)})`,
      });
    else {
      const problem = linkTargetProblem(target);
      if (problem) out.push({ path: p, rule: 'symlink-invalid', detail: `the symlink's target ${problem}` });
    }
    return out;
  }
  if (content.length > settings.maxFileBytes) {
    return [
      {
        path: p,
        rule: 'file-too-large',
        detail: `${content.length} bytes; the limit is ${settings.maxFileBytes}`,
      },
    ];
  }
  return [];
}

function newFileCredentials(changes: Change[]): Violation[] {
  return changes.flatMap((c) =>
    c.status === 'added' && (c.mode === '100644' || c.mode === '100755')
      ? kinds(Buffer.from(c.content, 'base64')).map(
          (kind): Violation => ({
            path: c.path,
            rule: 'credential',
            detail: `a credential (${kind}) in the file's content`,
          }),
        )
      : [],
  );
}

export function checkBeforeReading(changes: Change[], report: Report, settings: PolicySettings): Violation[] {
  const violations: Violation[] = [];
  const seen = new Set<string>();
  for (const change of changes) {
    const p = change.path;
    for (const kind of kinds(p)) {
      violations.push({ path: p, rule: 'credential', detail: `a credential (${kind}) in the file's path` });
    }
    const problem = pathProblem(p);
    if (problem) {
      violations.push({ path: p, rule: 'invalid-path', detail: `the path ${problem}` });
      continue;
    }
    if (seen.has(p)) {
      violations.push({ path: p, rule: 'invalid-path', detail: 'the path appears twice in the change' });
      continue;
    }
    seen.add(p);
    if (change.status !== 'deleted') violations.push(...checkWrite(change, settings));
  }
  if (changes.length > settings.maxFiles) {
    violations.push({
      path: '(change)',
      rule: 'too-many-files',
      detail: `${changes.length} files; the limit is ${settings.maxFiles}`,
    });
  }
  violations.push(...reportCredentials(report));
  // New files have no base version to compare with: their credentials are listed now too, unless
  // the change is already over its limits (then nothing more is worth scanning).
  const overLimits = violations.some((v) => v.rule === 'too-many-files' || v.rule === 'file-too-large');
  if (!overLimits) violations.push(...newFileCredentials(changes));
  return violations;
}
