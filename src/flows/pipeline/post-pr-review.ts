// A review step of the open pull request: after the publish opened the pull request, the step ran
// (a new attempt, handed the change); its review is posted on the pull request as a pull request
// review, once — the once-only ledger finds it again after a crash, a redelivery or a second
// replica — and the task is done. Runs in the publish job, under its lock.
import { pullRequestReview, pullRequestReviewMarker } from '../../core/pipeline/pull-request-review.ts';
import type { Task } from '../../core/task/task.ts';
import { once } from '../../github/once.ts';
import { stepRun } from '../../store/task-steps.ts';
import { transitionTask } from '../../store/task-transitions.ts';
import type { AppDeps } from '../app-deps.ts';
import { repoOf } from '../publish/repo-of.ts';

export async function postPullRequestReview(deps: AppDeps, task: Task): Promise<void> {
  const run = await stepRun(deps.pool, task.id, task.attempt);
  if (!run || run.handoffText === null || task.prNumber === null) return;
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'publish');
  const review = pullRequestReview({
    taskId: task.id,
    attempt: task.attempt,
    step: run.name,
    engine: run.engine,
    verdict: run.verdict,
    text: run.handoffText,
  });
  const tag = pullRequestReviewMarker(task.id, task.attempt);
  const posted = await once(deps.pool, `pr-review:${task.id}:${task.attempt}`, {
    find: async () => {
      const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
        ...repoOf(task),
        pull_number: task.prNumber!,
        per_page: 100,
      });
      const found = reviews.find((r) => r.body?.startsWith(tag));
      return found ? { id: found.id } : undefined;
    },
    perform: async () => ({
      id: (
        await octokit.rest.pulls.createReview({
          ...repoOf(task),
          pull_number: task.prNumber!,
          ...(task.commitSha ? { commit_id: task.commitSha } : {}),
          event: review.event,
          body: review.body,
        })
      ).data.id,
    }),
  });
  await transitionTask(deps.pool, task.id, {
    type: 'published',
    actor: 'agent-dispatch',
    onlyFrom: ['publishing'],
    payload: { pr: task.prNumber, review: posted.id, step: run.name, verdict: run.verdict },
    fields: {},
  });
  deps.log.info({ taskId: task.id, pr: task.prNumber, review: posted.id }, 'pull request review posted');
}
