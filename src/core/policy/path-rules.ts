// Which paths and symlink targets a change may hold at all. A path must name one file the same
// way on every system that checks the repository out: no absolute or `..` paths, nothing in
// `.git`, and no name that Windows or macOS would read as another one (trailing dots and spaces,
// `:` streams, 8.3 short names like `GITHUB~1`, characters HFS+ ignores). Pure.

// Zero-width, bidirectional and other invisible characters (HFS+ ignores several of them, so
// `.git\u200c` is `.git` there): a name that reads differently from what it is.
const INVISIBLE = /\u034F|[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rule looks for
const CONTROL = /[\x00-\x1f\x7f]/;

/** `CLAUDE~1.MD`, `GITHUB~1`: a Windows short name, an alias of some longer name. */
function isShortName(segment: string): boolean {
  const match = /^([^~.]{0,6})~(\d{1,6})(\.[^.]{0,3})?$/.exec(segment);
  return match !== null && (match[1]?.length ?? 0) + 1 + (match[2]?.length ?? 0) <= 8;
}

function segmentProblem(segment: string): string | undefined {
  if (segment.toLowerCase() === '.git') return 'is inside .git';
  if (/[. ]$/.test(segment)) return 'has a name ending in a dot or a space (Windows drops them)';
  if (segment.includes(':')) return 'has a `:` in a name (an alternate data stream on Windows)';
  if (isShortName(segment)) return 'has a Windows short name (`~1`), an alias of another name';
  if (new TextEncoder().encode(segment).length > 255) return 'has a name longer than 255 bytes';
  return undefined;
}

function textProblem(text: string): string | undefined {
  if (CONTROL.test(text)) return 'contains control characters';
  if (INVISIBLE.test(text)) return 'contains invisible or bidirectional characters';
  if (text.includes('\\')) return 'contains a backslash';
  return undefined;
}

/** Why `p` cannot be a path of the change, or undefined when it can. */
export function pathProblem(p: string): string | undefined {
  const text = textProblem(p);
  if (text) return text;
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'is absolute';
  if (p.length > 1024) return 'is longer than 1024 characters';
  const parts = p.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    return 'has an empty, . or .. segment';
  for (const part of parts) {
    const problem = segmentProblem(part);
    if (problem) return problem;
  }
  return undefined;
}

/** Why `target` cannot be a symlink's target (before resolving it), or undefined. */
export function linkTargetProblem(target: string): string | undefined {
  if (target === '') return 'is empty';
  if (target.length > 4095) return 'is longer than 4095 characters';
  if (target.includes('\uFFFD')) return 'is not valid UTF-8';
  const text = textProblem(target);
  if (text) return text;
  for (const part of target.split('/')) {
    if (part === '' || part === '.' || part === '..') continue;
    const problem = segmentProblem(part);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The name as a case-insensitive, normalization-insensitive file system sees it (macOS, Windows):
 * NFC, then full case folding (`ſ` is `s`, the Kelvin sign is `k`).
 */
export function foldName(name: string): string {
  return name.normalize('NFC').toLowerCase().toUpperCase().toLowerCase();
}
