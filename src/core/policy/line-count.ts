// How many lines a change adds and removes, for `limits.max-lines`. Pure.

/** Text, as git decides it: no NUL byte in the first 8,000 bytes. */
export function isText(buffer: Buffer): boolean {
  return !buffer.subarray(0, 8000).includes(0);
}

function lines(buffer: Buffer | undefined): string[] {
  if (!buffer || buffer.length === 0) return [];
  return buffer.toString('utf8').split('\n');
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

/** Changed lines between two versions of a file, either of which may be absent or binary (0 lines). */
export function changedLines(before: Buffer | undefined, after: Buffer | undefined): number {
  const b = before && isText(before) ? before : undefined;
  const a = after && isText(after) ? after : undefined;
  const { added, removed } = lineDelta(b, a);
  return added.length + removed;
}
