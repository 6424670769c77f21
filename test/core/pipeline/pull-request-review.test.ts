// The pull request review a review step of the open pull request posts: always COMMENT (GitHub
// refuses REQUEST_CHANGES and APPROVE from the pull request's author, the App), the verdict in
// words, the marker it is found by again, and the reviewer's text encoded.
import { describe, expect, it } from 'vitest';
import {
  pullRequestReview,
  pullRequestReviewMarker,
} from '../../../src/core/pipeline/pull-request-review.ts';
import { encode } from '../../../src/core/render/encode.ts';

describe('pullRequestReview', () => {
  it.each([
    ['approve', 'approves this change'],
    ['changes', 'asks for changes'],
    [null, 'asks for changes'],
  ] as const)('a %s verdict is a COMMENT that says %s', (verdict, says) => {
    const review = pullRequestReview({
      taskId: 7,
      attempt: 3,
      step: 'review',
      engine: 'codex',
      verdict,
      text: 'ok',
    });
    expect(review.event).toBe('COMMENT');
    expect(review.body.startsWith(pullRequestReviewMarker(7, 3))).toBe(true);
    expect(review.body).toContain(says);
  });

  it('fences the reviewer’s text longer than any fence it holds, and encodes the step name', () => {
    const review = pullRequestReview({
      taskId: 1,
      attempt: 2,
      step: 'r`v',
      engine: 'codex',
      verdict: 'changes',
      text: 'see\n```\n@bob <script>x</script>',
    });
    const body = review.body.split('\n').slice(3).join('\n');
    expect(body.startsWith('````')).toBe(true);
    expect(body.endsWith('\n````')).toBe(true);
    expect(review.body).toContain(`the review step ${encode('r`v', 'span')} (${encode('codex', 'span')})`);
  });
});
