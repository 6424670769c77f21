// Dispatches the task's workflow run: re-checks the requester, fixes the commit and the prompt,
// then `workflow_dispatch` with only `task_id` as input — once, even across crashes: a retry
// first looks for the run an earlier attempt may have made.

import { runTitle } from '../../contract/run-title.ts';
import { decideStillAuthorized, dispatchRereadsPermission } from '../../core/access/decide-access.ts';
import { AppError } from '../../core/errors.ts';
import { feedbackJob } from '../../core/task/follow-up-jobs.ts';
import type { Task } from '../../core/task/task.ts';
import type { Octokit } from '../../github/octokit.ts';
import { once } from '../../github/once.ts';
import { readVoucher } from '../../github/read-permission.ts';
import { addJob } from '../../store/jobs.ts';
import { appendTaskEvent, recordedRunIds } from '../../store/task-events.ts';
import { startStepRun } from '../../store/task-steps.ts';
import { updateTaskFields } from '../../store/task-transitions.ts';
import { getTask, taskAgeMs } from '../../store/tasks.ts';
import type { AppDeps } from '../app-deps.ts';
import { stepSpecOf } from '../pipeline/step-spec.ts';
import { buildSpec, readCheckout } from './build-spec.ts';
import { userBudgetRefusal } from './user-budget.ts';

export type DispatchedRun = { runId: number; htmlUrl: string };

/** A run this task's attempt already made: its title names the task, it is newer than the attempt. */
export async function findRunForTask(
  deps: AppDeps,
  octokit: Octokit,
  task: Task,
): Promise<DispatchedRun | undefined> {
  const earlierRuns = await recordedRunIds(deps.pool, task.id);
  const since = new Date((task.dispatchedAt ?? task.createdAt).getTime() - 5 * 60_000).toISOString();
  const { data } = await octokit.rest.actions.listWorkflowRuns({
    owner: task.repoOwner,
    repo: task.repoName,
    workflow_id: task.workflowFile ?? task.settings.workflow,
    event: 'workflow_dispatch',
    created: `>=${since}`,
    per_page: 100,
  });
  const run = data.workflow_runs.find((r) => r.display_title === runTitle(task.id) && !earlierRuns.has(r.id));
  return run ? { runId: run.id, htmlUrl: run.html_url } : undefined;
}

async function dispatchWorkflow(
  octokit: Octokit,
  task: Task,
  ref: string,
): Promise<DispatchedRun | undefined> {
  const workflow = task.workflowFile ?? task.settings.workflow;
  try {
    const response = await octokit.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      {
        owner: task.repoOwner,
        repo: task.repoName,
        workflow_id: workflow,
        ref,
        inputs: { task_id: String(task.id) },
        return_run_details: true,
      },
    );
    const body = response.data as unknown as { workflow_run_id?: number; html_url?: string } | undefined;
    if (body?.workflow_run_id) return { runId: body.workflow_run_id, htmlUrl: body.html_url ?? '' };
    return undefined; // an older server: 204 without details
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = (error as Error).message;
    if (status === 404) {
      throw new AppError('workflow_missing', { workflow, ref });
    }
    if (status === 422 || status === 403) {
      throw new AppError('dispatch_refused', { workflow, status, reason: message });
    }
    throw error;
  }
}

async function waitForRun(deps: AppDeps, octokit: Octokit, task: Task): Promise<DispatchedRun> {
  for (let i = 0; i < 10; i++) {
    const run = await findRunForTask(deps, octokit, task);
    if (run) return run;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`the run dispatched for task ${task.id} did not appear`);
}

async function stillAllowed(deps: AppDeps, octokit: Octokit, task: Task): Promise<void> {
  const rereads = dispatchRereadsPermission({
    trigger: task.trigger,
    attempt: task.attempt,
    approved: task.approvedById !== null,
    requestAgeMs: (await taskAgeMs(deps.pool, task.id)) ?? Number.NaN,
  });
  if (!rereads) return; // the command read it a moment ago (core/access: REQUEST_PERMISSION_FRESH_MS)
  const voucher = await readVoucher(octokit, task);
  const access = decideStillAuthorized(voucher, task.requesterId, task.settings);
  if (access.decision !== 'allow') {
    throw new AppError('access_revoked', { login: voucher.actor.login, reason: access.reason });
  }
}

export async function dispatchTask(deps: AppDeps, taskId: number, attempt: number): Promise<void> {
  const task = await getTask(deps.pool, taskId);
  if (task?.state !== 'dispatched' || task.attempt !== attempt || task.workflowRunId !== null) return;
  try {
    await dispatchOnce(deps, task);
  } finally {
    // The dispatch is the task's first write; its reaction and status comment follow it, and
    // come even when this attempt fails (follow-up-jobs.ts: feedbackFollowsDispatch).
    const job = feedbackJob(taskId);
    await addJob(deps.pool, job.task, job.payload, job.options);
  }
}

async function dispatchOnce(deps: AppDeps, dispatched: Task): Promise<void> {
  let task = dispatched;
  const { id: taskId, attempt } = task;
  const octokit = deps.github.forRepo(task.installationId, task.repoId, 'dispatch');
  await stillAllowed(deps, octokit, task);
  const overBudget = await userBudgetRefusal(deps.pool, task.settings, task.repoId, {
    id: task.requesterId,
    login: task.requesterLogin,
  });
  if (overBudget) throw overBudget;

  if (!task.spec || !task.baseSha) {
    // A command's task carries the default branch its webhook named; a schedule may start from
    // (and propose to) another branch than the default one, so it reads the repository.
    const defaultBranch =
      task.issueNumber !== null && task.baseBranch !== null
        ? task.baseBranch
        : (await octokit.rest.repos.get({ owner: task.repoOwner, repo: task.repoName })).data.default_branch;
    const base = task.baseBranch ?? defaultBranch;
    const branch = task.followUpOfPr !== null && task.branch ? task.branch : base;
    const read = await readCheckout(octokit, task, { branch, defaultBranch });
    const sha = read.checkout.sha;
    const step = await stepSpecOf(deps.pool, task);
    const spec = await buildSpec(octokit, task, read, step);
    await updateTaskFields(deps.pool, task.id, { baseBranch: base, baseSha: sha, spec });
    if (step)
      await startStepRun(deps.pool, {
        taskId: task.id,
        attempt: task.attempt,
        stepIndex: step.step.index,
        round: step.step.round,
        name: step.step.name,
        handoff: step.step.handoff,
        engine: task.engine,
      });
    task = { ...task, baseBranch: base, baseSha: sha, spec };
  }
  const current = task;
  const run = await once(deps.pool, `dispatch:${current.id}:${current.attempt}`, {
    find: () => findRunForTask(deps, octokit, current),
    perform: async () =>
      (await dispatchWorkflow(octokit, current, current.baseBranch ?? 'main')) ??
      waitForRun(deps, octokit, current),
  });
  // The run may have finished already if its webhooks raced ahead; only fill in what is missing.
  const latest = await getTask(deps.pool, taskId);
  if (latest && latest.workflowRunId === null && latest.attempt === attempt) {
    await updateTaskFields(deps.pool, taskId, { workflowRunId: run.runId, workflowRunUrl: run.htmlUrl });
    await appendTaskEvent(deps.pool, taskId, {
      type: 'run_created',
      actor: 'agent-dispatch',
      payload: { runId: run.runId, url: run.htmlUrl, attempt },
    });
  }
}
