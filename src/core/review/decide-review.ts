// The review gate of an agent's pull request: the `agent-dispatch/review` check passes only when
// someone other than the people who asked for the agent's work — a person, not a bot, with write
// access — approved the pull request's current head, and no such reviewer asks for changes.
// Pure: the caller lists the reviews and looks up reviewers' roles.
import type { Role } from '../repo-config/schema.ts';

export const REVIEW_CHECK_NAME = 'agent-dispatch/review';

export type Review = {
  userId: number;
  login: string;
  /** Account type: `User`, `Bot`, … */
  userType: string;
  /** GitHub's review states: APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING. */
  state: string;
  commitId: string | null;
};

export type ReviewFacts = {
  headSha: string;
  /** Who asked for the agent's commits on this pull request. */
  requesters: { id: number; login: string }[];
  /** Reviews in the order they were submitted. */
  reviews: Review[];
};

export type ReviewDecision = {
  conclusion: 'success' | 'failure';
  title: string;
  summary: string;
  approvedBy: string[];
};

const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);
const WRITE_ROLES: readonly Role[] = ['write', 'maintain', 'admin'];

/** Each reviewer's latest review that decides something (comments do not). */
export function latestDecisiveReviews(reviews: Review[]): Review[] {
  const latest = new Map<number, Review>();
  for (const review of reviews) {
    if (DECISIVE.has(review.state.toUpperCase())) latest.set(review.userId, review);
  }
  return [...latest.values()];
}

/** The reviewers whose role decides whether their review counts (people who are not requesters). */
export function reviewersToCheck(facts: ReviewFacts): Review[] {
  const requesterIds = new Set(facts.requesters.map((r) => r.id));
  return latestDecisiveReviews(facts.reviews).filter(
    (review) => review.userType === 'User' && !requesterIds.has(review.userId),
  );
}

function names(logins: string[]): string {
  const at = logins.map((l) => `@${l}`);
  return at.length <= 1 ? (at[0] ?? '') : `${at.slice(0, -1).join(', ')} and ${at.at(-1)}`;
}

export function decideReview(facts: ReviewFacts, roles: ReadonlyMap<number, Role>): ReviewDecision {
  const requesterIds = new Set(facts.requesters.map((r) => r.id));
  const requesterLogins = [...new Set(facts.requesters.map((r) => r.login))];
  const approvedBy: string[] = [];
  const changesBy: string[] = [];
  const notes: string[] = [];
  for (const review of latestDecisiveReviews(facts.reviews)) {
    const state = review.state.toUpperCase();
    if (state === 'DISMISSED') continue;
    const who = `@${review.login}`;
    if (review.userType !== 'User') {
      notes.push(`${who} is a bot; bots cannot vouch for an agent's work.`);
      continue;
    }
    if (requesterIds.has(review.userId)) {
      if (state === 'APPROVED') notes.push(`${who} asked for this work, so their approval does not count.`);
      continue;
    }
    const role = roles.get(review.userId) ?? 'none';
    if (!WRITE_ROLES.includes(role)) {
      if (state === 'APPROVED')
        notes.push(`${who} has ${role} access; only reviews from people with write access count.`);
      continue;
    }
    if (state === 'CHANGES_REQUESTED') {
      changesBy.push(review.login);
      continue;
    }
    if (review.commitId !== facts.headSha) {
      notes.push(`${who} approved an earlier commit; the head changed since (${facts.headSha.slice(0, 7)}).`);
      continue;
    }
    approvedBy.push(review.login);
  }
  const footer = notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : [];
  if (changesBy.length > 0) {
    return {
      conclusion: 'failure',
      title: `Changes requested by ${names(changesBy)}`,
      summary: [
        `${names(changesBy)} asked for changes to the agent's work. This check passes once someone other than ${names(requesterLogins)} approves the latest commit and no reviewer asks for changes.`,
        ...footer,
      ].join('\n'),
      approvedBy,
    };
  }
  if (approvedBy.length > 0) {
    return {
      conclusion: 'success',
      title: `Approved by ${names(approvedBy)}`,
      summary: [
        `${names(approvedBy)} reviewed and approved the agent's work at ${facts.headSha.slice(0, 7)} (requested by ${names(requesterLogins)}).`,
        ...footer,
      ].join('\n'),
      approvedBy,
    };
  }
  return {
    conclusion: 'failure',
    title: `Needs an approving review from someone other than ${names(requesterLogins)}`,
    summary: [
      `This pull request holds an agent's work requested by ${names(requesterLogins)}. Someone else with write access must review it and approve its latest commit (${facts.headSha.slice(0, 7)}) before this check passes. Make \`${REVIEW_CHECK_NAME}\` a required check in the branch's protection rules to enforce it.`,
      ...footer,
    ].join('\n'),
    approvedBy,
  };
}
