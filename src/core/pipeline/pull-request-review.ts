// The pull request review a review step of the open pull request posts. The reviewer engine's
// text is untrusted: it goes through the one encoder, as a quote. The event is COMMENT: GitHub
// refuses APPROVE and REQUEST_CHANGES from a pull request's author ("Review Can not request
// changes on your own pull request"), and the App opened the pull request; the verdict is the
// review's first line instead. Pure.
import { encode } from '../render/encode.ts';
import { marker } from '../render/marker.ts';

export type PullRequestReview = { event: 'COMMENT'; body: string };

/** Found again by this marker after a crash (the once-only ledger's `find`). */
export function pullRequestReviewMarker(taskId: number, attempt: number): string {
  return marker('pr-review', `${taskId}:${attempt}`);
}

export function pullRequestReview(input: {
  taskId: number;
  attempt: number;
  step: string;
  engine: string;
  verdict: 'approve' | 'changes' | null;
  text: string;
}): PullRequestReview {
  const verdict =
    input.verdict === 'approve'
      ? 'approves this change'
      : 'asks for changes (the verdict a `VERDICT: changes` line or none gives)';
  return {
    event: 'COMMENT',
    body: [
      pullRequestReviewMarker(input.taskId, input.attempt),
      `**Agent task ${input.taskId}** · the review step ${encode(input.step, 'span')} (${encode(input.engine, 'span')}) ${verdict}:`,
      '',
      encode(input.text, 'block', { max: 20_000 }),
    ].join('\n'),
  };
}
