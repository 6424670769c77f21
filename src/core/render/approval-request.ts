// What an approver is shown in the status comment of a request waiting for approval: the exact
// request the agent would be given (as the prompt carries it: hidden content already removed), in
// a code block it cannot leave, and what of the thread it includes, frozen when it was requested.
// Pure.
import { requestText } from '../prompt/build-prompt.ts';
import { threadSummary } from '../prompt/frozen-thread.ts';
import type { Task } from '../task/task.ts';
import { encode, quietLogin } from './encode.ts';

/** The thread text itself is shown (collapsed) while the comment stays well within GitHub's limit. */
const MAX_SHOWN_CHARS = 40_000;

const utc = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

function threadText(task: Task): string[] {
  const thread = task.thread!;
  const parts = [
    '<details><summary>The thread text it includes</summary>',
    '',
    `Title: ${encode(thread.title, 'inline')}`,
    '',
    encode(thread.body || '(empty)', 'block'),
  ];
  for (const comment of thread.comments)
    parts.push('', `Comment by ${quietLogin(comment.author)}:`, '', encode(comment.body, 'block'));
  parts.push('', '</details>');
  return parts;
}

export function approvalRequest(task: Task): string[] {
  const kind = task.isPullRequest ? 'pull request' : 'issue';
  const request = requestText(task.prompt);
  const lines: string[] = [];
  if (task.requestRevision > 1)
    lines.push(
      `⚠️ The request or its thread changed after it was made (revision ${task.requestRevision}): an approval given before that does not count. Below is what would run now.`,
      '',
    );
  lines.push('The agent would be given this request, exactly:', '', encode(request, 'block'), '');
  const thread = task.thread;
  if (!thread) {
    lines.push(`It would also read the ${kind}'s title, and no other text of this thread.`);
    return lines;
  }
  const summary = threadSummary(thread);
  const comments =
    summary.comments === 0
      ? 'and no comments'
      : `and the ${summary.comments === 1 ? 'comment' : `${summary.comments} comments`} written before the request (by ${summary.authors.map(quietLogin).join(', ')})`;
  lines.push(
    `It would also read the title and description of this ${kind} (${summary.bodyChars.toLocaleString('en-US')} characters) ${comments}, as they were when the request was made (${utc(thread.requestedAt)}), and the repository's agent instructions file from its default branch. Nothing written on this thread later is included.`,
  );
  const shown = request.length + thread.body.length + thread.comments.reduce((n, c) => n + c.body.length, 0);
  if (shown <= MAX_SHOWN_CHARS) lines.push('', ...threadText(task));
  return lines;
}
