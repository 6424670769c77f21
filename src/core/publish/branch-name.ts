// Branch names for the agent's work, built only from an allow-list of characters so nothing a
// commenter writes can become a git option, a path traversal or a control character. Pure.

const MAX_SLUG = 40;

export function slugify(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[^\x20-\x7E]/g, '')
    .toLowerCase();
  const slug = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/g, '');
  return slug || 'task';
}

/** `agent/<issue>-<slug>-t<task>` (plus `-a<attempt>` after the first attempt); no `<issue>-` without an issue. */
export function branchName(
  prefix: string,
  issueNumber: number | null,
  title: string,
  taskId: number,
  attempt: number,
): string {
  const safePrefix = prefix
    .replace(/[^A-Za-z0-9._/-]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/\/{2,}/g, '/');
  const base = `${safePrefix}${issueNumber === null ? '' : `${issueNumber}-`}${slugify(title)}-t${taskId}${attempt > 1 ? `-a${attempt}` : ''}`;
  return base.replace(/^[-/.]+/, '').replace(/\.lock$/, '');
}

/** What git accepts as a branch name, checked again right before use. */
export function isSafeBranchName(name: string): boolean {
  return (
    /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/.test(name) &&
    !name.includes('..') &&
    !name.includes('//') &&
    !name.endsWith('/') &&
    !name.endsWith('.lock') &&
    !name.split('/').some((part) => part.startsWith('.') || part.startsWith('-'))
  );
}
