import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/core/repo-config/schema.ts';
import {
  decideReview,
  latestDecisiveReviews,
  type Review,
  type ReviewFacts,
  reviewersToCheck,
} from '../../../src/core/review/decide-review.ts';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const people: Record<string, number> = { alice: 1, maria: 2, bob: 3, reader: 4, 'ci[bot]': 5 };
const review = (login: string, state: string, commitId = HEAD): Review => ({
  userId: people[login]!,
  login,
  userType: login.endsWith('[bot]') ? 'Bot' : 'User',
  state,
  commitId,
});
const roles = new Map<number, Role>([
  [1, 'write'],
  [2, 'write'],
  [3, 'maintain'],
  [4, 'read'],
  [5, 'admin'],
]);
const facts = (reviews: Review[], requesters = [{ id: 1, login: 'alice' }]): ReviewFacts => ({
  headSha: HEAD,
  requesters,
  reviews,
});

describe('decideReview', () => {
  it('fails without reviews, naming the requester', () => {
    expect(decideReview(facts([]), roles)).toMatchObject({
      conclusion: 'failure',
      title: 'Needs an approving review from someone other than @alice',
      approvedBy: [],
    });
  });

  it('passes with an approval of the head from someone else with write access', () => {
    expect(decideReview(facts([review('maria', 'APPROVED')]), roles)).toMatchObject({
      conclusion: 'success',
      title: 'Approved by @maria',
      approvedBy: ['maria'],
    });
  });

  it.each([
    ['the requester', review('alice', 'APPROVED'), 'asked for this work'],
    ['a bot', review('ci[bot]', 'APPROVED'), 'is a bot'],
    ['a read-only user', review('reader', 'APPROVED'), 'has read access'],
    ['an approval of an earlier commit', review('maria', 'APPROVED', OLD), 'approved an earlier commit'],
  ])('does not count %s', (_what, r, note) => {
    const decision = decideReview(facts([r]), roles);
    expect(decision.conclusion).toBe('failure');
    expect(decision.summary).toContain(note);
  });

  it('names every requester when follow-ups came from several people', () => {
    const requesters = [
      { id: 1, login: 'alice' },
      { id: 3, login: 'bob' },
    ];
    const decision = decideReview(facts([review('bob', 'APPROVED')], requesters), roles);
    expect(decision.title).toBe('Needs an approving review from someone other than @alice and @bob');
  });

  it("takes each reviewer's latest decisive review; comments change nothing", () => {
    expect(
      decideReview(facts([review('maria', 'APPROVED'), review('maria', 'COMMENTED')]), roles).conclusion,
    ).toBe('success');
    expect(
      decideReview(facts([review('maria', 'APPROVED'), review('maria', 'DISMISSED')]), roles).conclusion,
    ).toBe('failure');
    expect(
      decideReview(facts([review('maria', 'CHANGES_REQUESTED'), review('maria', 'APPROVED')]), roles)
        .conclusion,
    ).toBe('success');
  });

  it('fails while another qualified reviewer asks for changes', () => {
    const decision = decideReview(
      facts([review('maria', 'APPROVED'), review('bob', 'CHANGES_REQUESTED')]),
      roles,
    );
    expect(decision).toMatchObject({ conclusion: 'failure', title: 'Changes requested by @bob' });
  });

  it('reads lower-case review states as webhooks send them', () => {
    expect(decideReview(facts([review('maria', 'approved')]), roles).conclusion).toBe('success');
  });
});

describe('reviewersToCheck', () => {
  it('looks up only people who are not requesters, once each', () => {
    const reviews = [
      review('alice', 'APPROVED'),
      review('ci[bot]', 'APPROVED'),
      review('maria', 'COMMENTED'),
      review('maria', 'APPROVED'),
      review('bob', 'CHANGES_REQUESTED'),
    ];
    expect(reviewersToCheck(facts(reviews)).map((r) => r.login)).toEqual(['maria', 'bob']);
    expect(latestDecisiveReviews(reviews)).toHaveLength(4);
  });
});
