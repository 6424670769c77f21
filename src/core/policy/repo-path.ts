// Paths inside a repository, as git stores them: `/`-separated, relative to the root. Pure (the
// policy needs no file system to reason about them).

/**
 * Resolves `target` (a symlink's content) relative to the directory of `from`, the way POSIX
 * does: `.` and empty segments dropped, `..` climbing. Undefined when it climbs above the root
 * or is absolute, i.e. leaves the repository.
 */
export function resolveWithin(from: string, target: string): string | undefined {
  if (target.startsWith('/')) return undefined;
  const parts = from.split('/').slice(0, -1);
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join('/');
}
