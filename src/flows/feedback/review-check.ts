// Keeps the `agent-dispatch/review` check on an agent pull request's head in line with its
// reviews: after publishing, on every review submitted or dismissed, and on every new commit.
// One evaluation at a time per pull request; the check run of a commit is found and updated,
// never duplicated. It is the one check an agent pull request gets: its summary also says which
// task made the agent's latest commit, for whom, and what it cost.

import { roleOf } from '../../core/access/decide-access.ts';
import { pullPayloadShape, readPayload } from '../../core/ingest/webhook-payloads.ts';
import { taskCheckSection } from '../../core/render/task-check-section.ts';
import type { Role } from '../../core/repo-config/schema.ts';
import {
  decideReview,
  REVIEW_CHECK_NAME,
  type Review,
  type ReviewDecision,
  reviewersToCheck,
} from '../../core/review/decide-review.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { readPermission } from '../../github/read-permission.ts';
import { getTask, publishedTasksOfPullRequest } from '../../store/tasks.ts';
import { withAdvisoryLock } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';

export type PullTarget = {
  installationId: number;
  repo: { id: number; owner: string; name: string };
  number: number;
};

const EXTERNAL_ID = 'agent-dispatch-review';

async function reviewsOf(octokit: Octokit, target: PullTarget): Promise<Review[]> {
  const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner: target.repo.owner,
    repo: target.repo.name,
    pull_number: target.number,
    per_page: 100,
  });
  return reviews.map((r) => ({
    userId: r.user?.id ?? 0,
    login: r.user?.login ?? 'ghost',
    userType: (r.user as { type?: string } | null)?.type ?? 'User',
    state: r.state,
    commitId: r.commit_id ?? null,
  }));
}

async function rolesOf(octokit: Octokit, target: PullTarget, reviews: Review[]): Promise<Map<number, Role>> {
  const roles = new Map<number, Role>();
  for (const review of reviews) {
    const permission = await readPermission(octokit, {
      repo: target.repo,
      sender: { login: review.login, id: review.userId },
    });
    roles.set(review.userId, roleOf(permission));
  }
  return roles;
}

/** The pull request's head and address when the caller knows them already (it just opened it). */
type KnownPull = { headSha: string; htmlUrl: string };

async function openPull(octokit: Octokit, target: PullTarget): Promise<KnownPull | undefined> {
  const { data: pr } = await octokit.rest.pulls.get({
    owner: target.repo.owner,
    repo: target.repo.name,
    pull_number: target.number,
  });
  return pr.state === 'open' ? { headSha: pr.head.sha, htmlUrl: pr.html_url } : undefined;
}

/** The review's verdict, then the task that made the agent's latest commit on the pull request. */
function outputOf(latest: Task, decision: ReviewDecision): { title: string; summary: string } {
  return { title: decision.title, summary: `${decision.summary}\n\n${taskCheckSection(latest)}` };
}

/** Each requester once, as the review gate counts them. */
function requestersOf(tasks: Task[]): Array<{ id: number; login: string }> {
  const byId = new Map<number, string>();
  for (const task of tasks) if (!byId.has(task.requesterId)) byId.set(task.requesterId, task.requesterLogin);
  return [...byId].map(([id, login]) => ({ id, login }));
}

export async function syncReviewCheck(deps: AppDeps, target: PullTarget, known?: KnownPull): Promise<void> {
  await withAdvisoryLock(deps.pool, `review:${target.repo.id}:${target.number}`, async () => {
    const published = await publishedTasksOfPullRequest(deps.pool, target.repo.id, target.number);
    const latest = published[0];
    if (!latest) return; // not an agent's pull request
    const requesters = requestersOf(published);
    const octokit = deps.github.forRepo(target.installationId, target.repo.id, 'review');
    const repo = { owner: target.repo.owner, repo: target.repo.name };
    const pr = known ?? (await openPull(octokit, target));
    if (!pr) return;
    const headSha = pr.headSha;
    const { data: existing } = await octokit.rest.checks.listForRef({
      ...repo,
      ref: headSha,
      check_name: REVIEW_CHECK_NAME,
    });
    const ours = existing.check_runs.find((c) => c.external_id === EXTERNAL_ID);
    // A pull request this App has just opened, whose head has no review check yet, has no review
    // to read: a review submitted since brings its own webhook, whose evaluation (under the same
    // lock) reads the reviews and leaves its check on this head, and then this one reads them too.
    const reviews = known && !ours ? [] : await reviewsOf(octokit, target);
    const facts = { headSha, requesters, reviews };
    const decision = decideReview(facts, await rolesOf(octokit, target, reviewersToCheck(facts)));
    const output = outputOf(latest, decision);
    if (
      ours?.conclusion === decision.conclusion &&
      ours.output.title === output.title &&
      ours.output.summary === output.summary
    )
      return;
    const fields = {
      ...repo,
      status: 'completed' as const,
      conclusion: decision.conclusion,
      completed_at: new Date().toISOString(),
      details_url: pr.htmlUrl,
      output,
    };
    if (ours) await octokit.rest.checks.update({ ...fields, check_run_id: ours.id });
    else
      await octokit.rest.checks.create({
        ...fields,
        name: REVIEW_CHECK_NAME,
        head_sha: headSha,
        external_id: EXTERNAL_ID,
      });
    deps.log.info(
      { pr: target.number, sha: headSha, conclusion: decision.conclusion, approvedBy: decision.approvedBy },
      'review check updated',
    );
  });
}

/** The pull request of a review or pull_request webhook, as a target. */
/** The pull request a review or pull request event is about; a malformed payload fails for good. */
export function pullTargetFrom(event: string, payload: unknown): PullTarget {
  const shape = readPayload(pullPayloadShape, event, payload);
  return {
    installationId: shape.installation.id,
    repo: { id: shape.repository.id, owner: shape.repository.owner.login, name: shape.repository.name },
    number: shape.pull_request.number,
  };
}

/** The review check of the pull request a task published to (after publishing). */
export async function syncReviewCheckOfTask(deps: AppDeps, taskId: number): Promise<void> {
  const task = await getTask(deps.pool, taskId);
  if (!task || task.prNumber === null) return;
  // Just published: its head is the task's commit and its address is known, no need to read it.
  // A push or review after this comes as a webhook, which reads the pull request again.
  const known =
    task.commitSha && task.prUrl && task.followUpOfPr === null
      ? { headSha: task.commitSha, htmlUrl: task.prUrl }
      : undefined;
  await syncReviewCheck(
    deps,
    {
      installationId: task.installationId,
      repo: { id: task.repoId, owner: task.repoOwner, name: task.repoName },
      number: task.prNumber,
    },
    known,
  );
}
