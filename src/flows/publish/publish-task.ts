// Publishes an accepted change: policy first (the tree that would be published is judged; a
// change is refused whole, nothing published), then blobs, a tree, a commit and a branch through
// the Git Data API, then the pull request. Every step can be repeated after a crash without
// duplicating anything: the branch and the pull request are found before they are made, and a
// run after the branch got its commit starts at the pull request (the ledger keeps the head).
import { AppError, errorMessage } from '../../core/errors.ts';
import type { Violation } from '../../core/policy/violation.ts';
import { branchName, isSafeBranchName } from '../../core/publish/branch-name.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { doneEffect } from '../../store/effects.ts';
import { resultOf } from '../../store/task-results.ts';
import { endStepRun } from '../../store/task-steps.ts';
import { transitionTask, updateTaskFields } from '../../store/task-transitions.ts';
import { getTask } from '../../store/tasks.ts';
import { withAdvisoryLock } from '../../store/transactions.ts';
import type { AppDeps } from '../app-deps.ts';
import { handOnChange, publishAttempt, reviewPullRequestNext } from '../pipeline/hand-on.ts';
import { postPullRequestReview } from '../pipeline/post-pr-review.ts';
import { createCommit, updateBranch } from './git-commit.ts';
import { judgeTaskChange, type Verdict } from './judge-change.ts';
import { decoratePullRequest, openPullRequest } from './pull-request.ts';
import { repoOf } from './repo-of.ts';

/** Violations listed in the comment; the task's history keeps all of them. */
const MAX_LISTED_VIOLATIONS = 100;

type AcceptedVerdict = Exclude<Verdict, { kind: 'refused' }>;

/**
 * One publish of a task at a time, across workers and replicas: a publish job queued again by
 * the sweeper, or released at shutdown while its work still ran, waits for the other to finish
 * and then finds the task published (never two branch updates or pull requests racing).
 */
export async function publishTask(deps: AppDeps, taskId: number, attempt: number): Promise<void> {
  await withAdvisoryLock(deps.pool, `publish:${taskId}`, () => publishOnce(deps, taskId, attempt));
}

function branchFor(task: Task, followUp: boolean): string {
  const branch = followUp
    ? task.branch!
    : branchName(
        task.settings['branch-prefix'],
        task.issueNumber,
        task.issueTitle || task.prompt,
        task.id,
        task.attempt,
      );
  if (!isSafeBranchName(branch))
    throw new AppError('publish_failed', {
      reason: `refusing the unsafe branch name ${JSON.stringify(branch)}`,
    });
  return branch;
}

async function refuseChange(deps: AppDeps, task: Task, violations: Violation[]): Promise<void> {
  deps.log.info(
    { taskId: task.id, violations: violations.map((v) => `${v.rule}:${v.path}`) },
    'change refused by policy',
  );
  await transitionTask(deps.pool, task.id, {
    type: 'policy_rejected',
    actor: 'policy',
    payload: { violations },
    fields: {
      errorCode: 'policy_violation',
      errorMessage: errorMessage('policy_violation', { violations, listed: MAX_LISTED_VIOLATIONS }),
    },
  });
  if (task.pipeline) await endStepRun(deps.pool, task.id, task.attempt, { state: 'failed', error: 'policy' });
}

async function commitToBranch(
  deps: AppDeps,
  octokit: Octokit,
  task: Task,
  branch: string,
  key: string,
  accepted: AcceptedVerdict,
): Promise<string> {
  const done = await once(deps.pool, key, {
    // Not looked for: a commit made by a run that left no record is made again, and updateBranch
    // then reuses the branch's equal commit.
    find: async () => undefined,
    perform: async () => ({
      head: await updateBranch(octokit, task, branch, await createCommit(octokit, task, accepted)),
    }),
  });
  return done.head;
}

async function publishOnce(deps: AppDeps, taskId: number, attempt: number): Promise<void> {
  const task = await getTask(deps.pool, taskId);
  if (task?.state !== 'publishing' || task.attempt !== attempt) return;
  // A review step of the open pull request ended: its review is posted there (nothing to publish).
  if (task.pipeline?.steps[task.stepIndex ?? 0]?.review?.pullRequest)
    return postPullRequestReview(deps, task);
  if (!task.baseSha || !task.baseBranch)
    throw new AppError('publish_failed', { reason: `task ${task.id} has no base commit` });
  // A pipeline publishes its last diff handoff (the current step's, when it is a diff step).
  const changeAttempt = publishAttempt(task);
  const stored = await resultOf(deps.pool, task.id, changeAttempt);
  if (!stored) throw new AppError('publish_failed', { reason: `task ${task.id} has no stored result` });
  const { changes, report } = stored;
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'publish');

  const followUp = task.followUpOfPr !== null && task.branch !== null;
  // A run of this job that was put back in the queue (waiting for a write slot) or crashed after
  // the branch got its commit resumes from there: the change was judged and committed already.
  const branchKey = `publish-branch:${task.id}:${task.attempt}:${changeAttempt}`;
  let head = (await doneEffect<{ head: string }>(deps.pool, branchKey))?.head;
  if (head === undefined) {
    const verdict = await judgeTaskChange(octokit, task, changes, report);
    if (verdict.kind === 'refused') {
      await refuseChange(deps, task, verdict.violations);
      return;
    }
    // A pipeline step's change that a later step receives: checked, then handed on, not published.
    if (task.pipeline && (await handOnChange(deps, task))) return;
    const branch = branchFor(task, followUp);
    if (!followUp) await updateTaskFields(deps.pool, taskId, { branch });
    head = await commitToBranch(deps, octokit, task, branch, branchKey, verdict);
  }
  const branch = branchFor(task, followUp);
  const pr = followUp
    ? {
        number: task.followUpOfPr!,
        url: (await octokit.rest.pulls.get({ ...repoOf(task), pull_number: task.followUpOfPr! })).data
          .html_url,
      }
    : await openPullRequest(deps, octokit, task, branch, report, changes.length);
  if (!followUp) await decoratePullRequest(octokit, task, pr.number);
  const published = { branch, commitSha: head, prNumber: pr.number, prUrl: pr.url };
  // A pipeline whose last step reviews the pull request runs it now.
  if (task.pipeline && (await reviewPullRequestNext(deps, task, published))) return;

  await transitionTask(deps.pool, taskId, {
    type: 'published',
    actor: 'agent-dispatch',
    payload: { branch, commit: head, pr: pr.number, followUp },
    fields: { branch, commitSha: head, prNumber: pr.number, prUrl: pr.url },
  });
  deps.log.info({ taskId, pr: pr.url, branch }, 'published');
}
