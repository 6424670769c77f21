// What a proposed change may touch. Pure and table-tested: a change that breaks any rule is
// refused whole, and every violation is reported with its path and rule.
import picomatch from 'picomatch';
import type { Change } from '../../contract/job-result.ts';
import { findCredentials } from './find-credentials.ts';
import { resolveWithin } from './repo-path.ts';

export const DEFAULT_DENIED_PATHS = [
  '.github/workflows/**',
  '.github/actions/**',
  '.github/agent.yml',
  '.github/agent.yaml',
  '**/CLAUDE.md',
  '**/CLAUDE.local.md',
  '**/AGENTS.md',
  '**/GEMINI.md',
  '**/.claude/**',
  '**/.mcp.json',
  '**/.codex/**',
  '**/.gemini/**',
  '.github/copilot-instructions.md',
  '.github/instructions/**',
  '.gitmodules',
  // Who must review what: an agent must not pick its own reviewers.
  'CODEOWNERS',
  '.github/CODEOWNERS',
  'docs/CODEOWNERS',
] as const;

export type PolicySettings = {
  denyPaths: string[];
  allowPaths: string[];
  maxFiles: number;
  maxLines: number;
  maxFileBytes: number;
};

export type PolicyRule =
  | 'invalid-path'
  | 'denied-path'
  | 'symlink-outside-repo'
  | 'submodule'
  | 'file-too-large'
  | 'too-many-files'
  | 'too-many-lines'
  | 'credential';

export type Violation = { path: string; rule: PolicyRule; detail: string };

/** A change plus what the file held before, when it existed (for line counts and scanning). */
export type ChangeWithBase = Change & { previous?: Buffer | undefined };

// Zero-width, bidirectional and other invisible characters: a name that reads differently from
// what it is.
const INVISIBLE_IN_PATH = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;

function pathProblem(p: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule looks for
  if (/[\x00-\x1f\x7f]/.test(p)) return 'contains control characters';
  if (INVISIBLE_IN_PATH.test(p)) return 'contains invisible or bidirectional characters';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'is absolute';
  if (p.includes('\\')) return 'contains a backslash';
  const parts = p.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    return 'has an empty, . or .. segment';
  if (parts.some((part) => part.toLowerCase() === '.git')) return 'is inside .git';
  if (p.length > 1024) return 'is longer than 1024 characters';
  return undefined;
}

function lines(buffer: Buffer | undefined): string[] {
  if (!buffer || buffer.length === 0) return [];
  return buffer.toString('utf8').split('\n');
}

function isProbablyText(buffer: Buffer): boolean {
  return !buffer.subarray(0, 8000).includes(0);
}

/** Lines in `after` that `before` does not have (as a multiset), and how many lines went away. */
export function lineDelta(
  before: Buffer | undefined,
  after: Buffer | undefined,
): { added: string[]; removed: number } {
  const remaining = new Map<string, number>();
  for (const line of lines(before)) remaining.set(line, (remaining.get(line) ?? 0) + 1);
  const added: string[] = [];
  for (const line of lines(after)) {
    const left = remaining.get(line) ?? 0;
    if (left > 0) remaining.set(line, left - 1);
    else added.push(line);
  }
  let removed = 0;
  for (const left of remaining.values()) removed += left;
  return { added, removed };
}

/**
 * The directories that hold a denied path (`.github` for `.github/workflows/**`). A file, a
 * symlink or a deletion at one of them would replace or remove the whole directory, protected
 * files included.
 */
export function protectedDirectories(patterns: readonly string[]): Set<string> {
  const dirs = new Set<string>();
  for (const pattern of patterns) {
    const scan = picomatch.scan(pattern);
    const parts = scan.base.split('/').filter(Boolean);
    const depth = scan.isGlob ? parts.length : parts.length - 1;
    for (let i = 1; i <= depth; i++) dirs.add(parts.slice(0, i).join('/').toLowerCase());
  }
  return dirs;
}

export function deniedPathMatcher(settings: Pick<PolicySettings, 'denyPaths' | 'allowPaths'>) {
  const options = { dot: true, nocase: true };
  const denied = picomatch([...DEFAULT_DENIED_PATHS, ...settings.denyPaths], options);
  const extraDenied = settings.denyPaths.length > 0 ? picomatch(settings.denyPaths, options) : () => false;
  const allowed = settings.allowPaths.length > 0 ? picomatch(settings.allowPaths, options) : () => false;
  const holders = protectedDirectories([...DEFAULT_DENIED_PATHS, ...settings.denyPaths]);
  // `allow-paths` lifts default denials only; what the repository denies itself stays denied.
  return (p: string): string | undefined => {
    if (extraDenied(p) || (denied(p) && !allowed(p))) return 'this path may not be changed by an agent';
    if (holders.has(p.replace(/\/+$/, '').toLowerCase()))
      return 'this directory holds protected files; an agent may not replace or delete it';
    return undefined;
  };
}

export function evaluatePatch(changes: ChangeWithBase[], settings: PolicySettings): Violation[] {
  const violations: Violation[] = [];
  const isDenied = deniedPathMatcher(settings);
  const seen = new Set<string>();
  let totalLines = 0;

  for (const change of changes) {
    const p = change.path;
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
    const denial = isDenied(p);
    if (denial) violations.push({ path: p, rule: 'denied-path', detail: denial });
    if (change.status === 'deleted') {
      totalLines += lineDelta(change.previous, undefined).removed;
      continue;
    }
    const content = Buffer.from(change.content, 'base64');
    if (change.mode === '160000') {
      violations.push({ path: p, rule: 'submodule', detail: 'submodule changes are not allowed' });
      continue;
    }
    if (change.mode === '120000') {
      const target = content.toString('utf8');
      const resolved = resolveWithin(p, target);
      if (resolved === undefined || target.includes('\0')) {
        violations.push({
          path: p,
          rule: 'symlink-outside-repo',
          detail: `the symlink points outside the repository (\`${target.slice(0, 100).replace(/[`\r\n]/g, "'")}\`)`,
        });
      } else if (isDenied(resolved) !== undefined) {
        violations.push({
          path: p,
          rule: 'denied-path',
          detail: `the symlink points at a denied path (\`${resolved.slice(0, 300).replace(/[`\r\n]/g, "'")}\`)`,
        });
      }
      continue;
    }
    if (content.length > settings.maxFileBytes) {
      violations.push({
        path: p,
        rule: 'file-too-large',
        detail: `${content.length} bytes; the limit is ${settings.maxFileBytes}`,
      });
    }
    if (!isProbablyText(content)) continue;
    const { added, removed } = lineDelta(change.previous, content);
    totalLines += added.length + removed;
    for (const hit of findCredentials(added)) {
      violations.push({ path: p, rule: 'credential', detail: `an added line looks like a ${hit}` });
    }
  }

  if (seen.size > settings.maxFiles) {
    violations.push({
      path: '(change)',
      rule: 'too-many-files',
      detail: `${seen.size} files; the limit is ${settings.maxFiles}`,
    });
  }
  if (totalLines > settings.maxLines) {
    violations.push({
      path: '(change)',
      rule: 'too-many-lines',
      detail: `${totalLines} lines; the limit is ${settings.maxLines}`,
    });
  }
  return violations;
}
