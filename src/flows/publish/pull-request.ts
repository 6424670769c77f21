// The agent's pull request: opened once (found again after a crash), as a draft where the plan
// allows, then labelled and with the requester asked to review.
import type { Report } from '../../contract/job-result.ts';
import { type LastReview, pullRequestBody, pullRequestTitle } from '../../core/render/pr-body.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { stepRunsOf } from '../../store/task-steps.ts';
import type { AppDeps } from '../app-deps.ts';
import { repoOf } from './repo-of.ts';

export async function openPullRequest(
  deps: AppDeps,
  octokit: Octokit,
  task: Task,
  branch: string,
  report: Report,
  files: number,
) {
  const r = repoOf(task);
  const review = task.pipeline ? await lastReview(deps, task) : undefined;
  return once(deps.pool, `pull-request:${task.id}:${task.attempt}`, {
    find: async () => {
      const { data } = await octokit.rest.pulls.list({
        ...r,
        head: `${task.repoOwner}:${branch}`,
        state: 'all',
      });
      const pr = data[0];
      return pr ? { number: pr.number, url: pr.html_url } : undefined;
    },
    perform: async () => {
      const request = {
        ...r,
        head: branch,
        base: task.baseBranch!,
        title: pullRequestTitle(task),
        body: pullRequestBody(task, report, files, review),
        maintainer_can_modify: true,
      };
      try {
        const { data } = await octokit.rest.pulls.create({
          ...request,
          draft: task.settings['pull-request'].draft,
        });
        return { number: data.number, url: data.html_url };
      } catch (error) {
        // Draft pull requests are not available on every plan.
        if (!task.settings['pull-request'].draft || (error as { status?: number }).status !== 422)
          throw error;
        const { data } = await octokit.rest.pulls.create(request);
        return { number: data.number, url: data.html_url };
      }
    },
  });
}

async function lastReview(deps: AppDeps, task: Task): Promise<LastReview | undefined> {
  const reviews = (await stepRunsOf(deps.pool, task.id)).filter(
    (run) => run.handoff === 'review' && run.state === 'done' && run.handoffText !== null,
  );
  const last = reviews.at(-1);
  return last
    ? { step: last.name, round: last.round, verdict: last.verdict, text: last.handoffText! }
    : undefined;
}

export async function decoratePullRequest(octokit: Octokit, task: Task, number: number): Promise<void> {
  const settings = task.settings['pull-request'];
  if (settings.labels.length > 0) {
    await octokit.rest.issues.addLabels({ ...repoOf(task), issue_number: number, labels: settings.labels });
  }
  if (settings['request-review']) {
    try {
      await octokit.rest.pulls.requestReviewers({
        ...repoOf(task),
        pull_number: number,
        reviewers: [task.requesterLogin],
      });
    } catch (error) {
      // 422: the requester cannot be asked (not a collaborator). The PR stands without it.
      if ((error as { status?: number }).status !== 422) throw error;
    }
  }
}
