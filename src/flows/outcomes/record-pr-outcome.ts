// What became of an agent's pull request, from the webhooks the App gets anyway: `pull_request`
// (opened, closed with `merged`, reopened) and `pull_request_review` (the latest review state
// by a person).
// Pull requests the App did not open are ignored (no task published to that branch).
import type { PrChange } from '../../store/pr-outcomes.ts';
import { recordPrOutcome } from '../../store/pr-outcomes.ts';
import type { AppDeps } from '../app-deps.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const date = (v: unknown): Date | null => (typeof v === 'string' ? new Date(v) : null);

/** The change a delivery makes to a pull request's outcome; undefined when it makes none. */
export function prChangeFrom(event: string, payload: Json): PrChange | undefined {
  const pr = obj(payload.pull_request);
  const repoId = obj(payload.repository).id;
  const branch = obj(pr.head).ref;
  if (typeof repoId !== 'number' || typeof pr.number !== 'number' || typeof branch !== 'string')
    return undefined;
  const openedAt = date(pr.created_at) ?? new Date();
  const base = { repoId, prNumber: pr.number, branch, openedAt };
  if (event === 'pull_request_review') {
    const review = obj(payload.review);
    // The outcome is what people decided: a bot's review (the App's own review step posts one)
    // is not the pull request's review state.
    if (obj(review.user).type === 'Bot') return undefined;
    const state = review.state;
    return typeof state === 'string' ? { ...base, reviewState: state.toLowerCase() } : undefined;
  }
  switch (payload.action) {
    case 'opened':
    case 'reopened':
      return { ...base, state: 'open', closedAt: null, mergedAt: null };
    case 'closed':
      return {
        ...base,
        state: pr.merged === true ? 'merged' : 'closed',
        closedAt: date(pr.closed_at) ?? new Date(),
        mergedAt: pr.merged === true ? (date(pr.merged_at) ?? new Date()) : null,
      };
    default:
      return undefined;
  }
}

export async function recordPrEvent(deps: AppDeps, event: string, payload: Json): Promise<void> {
  const change = prChangeFrom(event, payload);
  if (!change) return;
  const recorded = await recordPrOutcome(deps.pool, change);
  if (recorded)
    deps.log.info(
      { repoId: change.repoId, pr: change.prNumber, state: change.state, review: change.reviewState },
      'agent pull request outcome recorded',
    );
}
