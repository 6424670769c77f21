// What of the issue or pull request a task's prompt includes, fixed when the task is requested:
// the title and body, and the comments people wrote before the request. Stored with the task and
// never read again from GitHub for it, so nothing written after the request — a new comment, an
// edited body — ever reaches the agent. A request that waits for approval is compared with the
// thread again when it is approved: what changed is named and the approval refused. Pure.

export type FrozenComment = { id: number; author: string; body: string };

export type FrozenThread = {
  title: string;
  body: string;
  htmlUrl: string;
  /** Comments by people before the request, oldest first (the most recent MAX_COMMENTS). */
  comments: FrozenComment[];
  /** When the request was written: comments after it are never included (ISO 8601). */
  requestedAt: string;
  /** When it was read (ISO 8601). */
  frozenAt: string;
};

/** Comments a prompt includes at most (the most recent before the request). */
export const MAX_COMMENTS = 20;

export type ListedComment = {
  id: number;
  author: string;
  authorType: string;
  body: string;
  createdAt: string;
};

/**
 * The comments a prompt includes: written by people (not bots, not this App) before the
 * request; the most recent MAX_COMMENTS. Issue comments are numbered in the order they are
 * written, so for a command in one, "before" is a smaller id (GitHub's times are whole seconds:
 * an approval in the same second must not count as earlier). A review comment is numbered apart:
 * there, only comments from an earlier second count.
 */
export function selectComments(
  listed: ListedComment[],
  command: { kind: 'issue_comment' | 'review_comment'; id: number; createdAt: string },
): FrozenComment[] {
  const before = Date.parse(command.createdAt);
  const earlier = (c: ListedComment) =>
    command.kind === 'issue_comment' ? c.id < command.id : Date.parse(c.createdAt) < before;
  return listed
    .filter((c) => c.authorType === 'User')
    .filter(earlier)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id)
    .slice(-MAX_COMMENTS)
    .map((c) => ({ id: c.id, author: c.author, body: c.body }));
}

/** What differs between the request as frozen and as it reads now, in words (empty: nothing). */
export function threadChanges(
  frozen: { prompt: string; thread: FrozenThread },
  now: { prompt: string | undefined; thread: FrozenThread },
): string[] {
  const changes: string[] = [];
  if (now.prompt === undefined) changes.push('the command comment no longer holds an `/agent` request');
  else if (now.prompt !== frozen.prompt) changes.push('the command comment was edited');
  if (now.thread.title !== frozen.thread.title) changes.push('the title was edited');
  if (now.thread.body !== frozen.thread.body) changes.push('the description was edited');
  const current = new Map(now.thread.comments.map((c) => [c.id, c]));
  const edited = frozen.thread.comments.filter(
    (c) => current.has(c.id) && current.get(c.id)!.body !== c.body,
  );
  const gone = frozen.thread.comments.filter((c) => !current.has(c.id));
  const known = new Set(frozen.thread.comments.map((c) => c.id));
  const added = now.thread.comments.filter((c) => !known.has(c.id));
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (edited.length > 0) changes.push(`${count(edited.length, 'earlier comment')} edited`);
  if (gone.length > 0) changes.push(`${count(gone.length, 'earlier comment')} deleted`);
  if (added.length > 0) changes.push(`${count(added.length, 'earlier comment')} not seen before`);
  return changes;
}

/** For the status comment: what of the thread the agent reads. */
export function threadSummary(thread: FrozenThread): {
  bodyChars: number;
  authors: string[];
  comments: number;
} {
  return {
    bodyChars: thread.body.length,
    comments: thread.comments.length,
    authors: [...new Set(thread.comments.map((c) => c.author))],
  };
}
