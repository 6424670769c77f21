// Helpers of the policy tests: a base tree in memory with real git object ids, changes in the
// job's result format, and the judge asked until it answers (counting what it asked to read).
import { createHash } from 'node:crypto';
import { type Change, type Report, reportSchema } from '../../../src/contract/job-result.ts';
import { type Evidence, type Judgement, judgeChange } from '../../../src/core/policy/evaluate-change.ts';
import {
  type Dir,
  type ListedEntry,
  leavesOf,
  treeFromListing,
} from '../../../src/core/policy/tree-model.ts';
import { type HashObject, treeId } from '../../../src/core/policy/tree-request.ts';
import type { PolicySettings } from '../../../src/core/policy/violation.ts';

export const gitId: HashObject = (type, body) =>
  createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');

export const SETTINGS: PolicySettings = {
  denyPaths: [],
  allowPaths: [],
  maxFiles: 10,
  maxLines: 100,
  maxFileBytes: 1000,
};

export const REPORT: Report = reportSchema.parse({ engine: 'command' });

/** A file of the base: text, a symlink, a submodule, or bytes with a mode. */
export type BaseFile = string | { link: string } | { submodule: string } | { bytes: Buffer; mode?: string };

export type Base = { listing: { sha: string; entries: ListedEntry[] }; blobs: Map<string, Buffer> };

export function baseOf(files: Record<string, BaseFile>): Base {
  const blobs = new Map<string, Buffer>();
  const leaves: ListedEntry[] = Object.entries(files).map(([path, file]) => {
    if (typeof file === 'object' && 'submodule' in file)
      return { path, mode: '160000', type: 'commit', sha: file.submodule };
    const [mode, bytes] =
      typeof file === 'string'
        ? ['100644', Buffer.from(file)]
        : 'link' in file
          ? ['120000', Buffer.from(file.link)]
          : [file.mode ?? '100644', file.bytes];
    const sha = gitId('blob', bytes);
    blobs.set(sha, bytes);
    return { path, mode, type: 'blob', sha, size: bytes.length };
  });
  const tree = treeFromListing('', leaves);
  tree.sha = null;
  const trees: ListedEntry[] = [];
  const walk = (dir: Dir, prefix: string) => {
    for (const [name, node] of dir.children) {
      if (node.kind !== 'dir') continue;
      const path = `${prefix}${name}`;
      walk(node, `${path}/`);
      trees.push({ path, mode: '040000', type: 'tree', sha: treeId(node, gitId) });
    }
  };
  walk(tree, '');
  return { listing: { sha: treeId(tree, gitId), entries: [...trees, ...leaves] }, blobs };
}

const b64 = (content: string | Buffer) => Buffer.from(content).toString('base64');
type Mode = '100644' | '100755' | '120000' | '160000';

export function add(path: string, content: string | Buffer = 'hello\n', mode: Mode = '100644'): Change {
  return { path, status: 'added', mode, content: b64(content) };
}
export function modify(path: string, content: string | Buffer, mode: Mode = '100644'): Change {
  return { path, status: 'modified', mode, content: b64(content) };
}
export function link(path: string, target: string): Change {
  return add(path, target, '120000');
}
export function del(path: string): Change {
  return { path, status: 'deleted' };
}

export type Verdict = Exclude<Judgement, { kind: 'needs-base' } | { kind: 'needs-blobs' }>;
export type Run = {
  verdict: Verdict;
  /** Whether the base tree was asked for, and every blob asked for, in order. */
  readTree: boolean;
  blobReads: string[];
};

/** The judge asked until it answers, with `files` as the base. */
export function judge(
  changes: Change[],
  files: Record<string, BaseFile> = {},
  settings: Partial<PolicySettings> = {},
  report: Partial<Report> = {},
): Run {
  const base = baseOf(files);
  const blobs = new Map<string, Buffer>();
  const evidence: Evidence = { blobs };
  const run = { readTree: false, blobReads: [] as string[] };
  for (let round = 0; round < 6; round++) {
    const j = judgeChange(changes, { ...REPORT, ...report }, { ...SETTINGS, ...settings }, evidence);
    if (j.kind === 'needs-base') {
      run.readTree = true;
      evidence.base = base.listing;
    } else if (j.kind === 'needs-blobs') {
      for (const sha of j.shas) {
        if (blobs.has(sha)) throw new Error(`asked twice for ${sha}`);
        run.blobReads.push(sha);
        blobs.set(sha, base.blobs.get(sha)!);
      }
    } else return { ...run, verdict: j };
  }
  throw new Error('the judge did not answer');
}

/** [path, rule] of each violation, or 'accepted'. */
export function rules(run: Run): [string, string][] | 'accepted' {
  return run.verdict.kind === 'accepted' ? 'accepted' : run.verdict.violations.map((v) => [v.path, v.rule]);
}

/** Every leaf of a tree by path, as "mode id". */
export function flatten(tree: Dir): Map<string, string> {
  return new Map(
    [...leavesOf(tree, '')].map(([p, leaf]) => [
      p,
      `${leaf.mode} ${leaf.sha ?? gitId('blob', leaf.content!)}`,
    ]),
  );
}
