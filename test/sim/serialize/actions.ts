// Actions objects in GitHub's shapes: workflow, workflow run, job, environment, deployment.
import type { SimCore } from '../core.ts';
import type { CommitData } from '../git/objects.ts';
import type { Deployment, Job, WorkflowRecord, WorkflowRun } from '../state/actions-types.ts';
import { mustAccount, mustRepo } from '../state/store.ts';
import type { Environment, Repo } from '../state/types.ts';
import { repositoryJson } from './repository.ts';
import { repoApi, repoHtml } from './urls.ts';
import { userJson } from './user.ts';

export function workflowJson(core: SimCore, workflow: WorkflowRecord) {
  const repo = mustRepo(core.store, workflow.repoId);
  const file = workflow.path.split('/').pop() ?? workflow.path;
  return {
    id: workflow.id,
    node_id: workflow.nodeId,
    name: workflow.name,
    path: workflow.path,
    state: 'active',
    created_at: workflow.createdAt,
    updated_at: workflow.updatedAt,
    url: `${repoApi(core, repo)}/actions/workflows/${workflow.id}`,
    html_url: `${repoHtml(core, repo)}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${repoHtml(core, repo)}/workflows/${encodeURIComponent(file)}/badge.svg`,
  };
}

export function runJson(core: SimCore, run: WorkflowRun, head: CommitData | null) {
  const repo = mustRepo(core.store, run.repoId);
  const api = `${repoApi(core, repo)}/actions/runs/${run.id}`;
  const actor = userJson(core, mustAccount(core.store, run.actorId));
  const repository = repositoryJson(core, repo);
  return {
    id: run.id,
    name: run.name,
    node_id: run.nodeId,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflowPath,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: Buffer.from(`CheckSuite${run.checkSuiteId}`).toString('base64'),
    url: api,
    html_url: `${repoHtml(core, repo)}/actions/runs/${run.id}`,
    pull_requests: [] as unknown[],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor,
    run_attempt: run.runAttempt,
    referenced_workflows: [] as unknown[],
    run_started_at: run.runStartedAt,
    triggering_actor: actor,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${repoApi(core, repo)}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repoApi(core, repo)}/actions/workflows/${run.workflowId}`,
    head_commit: head
      ? {
          id: head.sha,
          tree_id: head.tree,
          message: head.message.replace(/\n$/, ''),
          timestamp: head.committer.date,
          author: { name: head.author.name, email: head.author.email },
          committer: { name: head.committer.name, email: head.committer.email },
        }
      : null,
    repository,
    head_repository: repository,
  };
}

export function jobJson(core: SimCore, job: Job, run: WorkflowRun) {
  const repo = mustRepo(core.store, job.repoId);
  const api = repoApi(core, repo);
  return {
    id: job.id,
    run_id: job.runId,
    workflow_name: run.name,
    head_branch: run.headBranch,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: run.runAttempt,
    node_id: job.nodeId,
    head_sha: run.headSha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${repoHtml(core, repo)}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: job.steps.map((step) => ({
      name: step.name,
      status: step.status,
      conclusion: step.conclusion,
      number: step.number,
      started_at: step.startedAt,
      completed_at: step.completedAt,
    })),
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: ['ubuntu-latest'],
    runner_id: job.runnerName ? 1 : null,
    runner_name: job.runnerName,
    runner_group_id: job.runnerName ? 1 : null,
    runner_group_name: job.runnerName ? 'GitHub Actions' : null,
  };
}

export function environmentLite(core: SimCore, repo: Repo, environment: Environment) {
  return {
    id: environment.id,
    node_id: environment.nodeId,
    name: environment.name,
    url: `${repoApi(core, repo)}/environments/${encodeURIComponent(environment.name)}`,
    html_url: `${repoHtml(core, repo)}/deployments/activity_log?environments_filter=${encodeURIComponent(environment.name)}`,
  };
}

export function environmentJson(core: SimCore, repo: Repo, environment: Environment) {
  const rules =
    environment.reviewerIds.length > 0
      ? [
          {
            id: environment.protectionRuleIds.reviewers,
            node_id: Buffer.from(`Gate${environment.protectionRuleIds.reviewers}`).toString('base64'),
            prevent_self_review: environment.preventSelfReview,
            type: 'required_reviewers',
            reviewers: environment.reviewerIds.map((id) => ({
              type: 'User',
              reviewer: userJson(core, mustAccount(core.store, id)),
            })),
          },
        ]
      : [];
  return {
    ...environmentLite(core, repo, environment),
    created_at: environment.createdAt,
    updated_at: environment.updatedAt,
    protection_rules: rules,
    deployment_branch_policy: null,
  };
}

export function deploymentJson(core: SimCore, deployment: Deployment) {
  const repo = mustRepo(core.store, deployment.repoId);
  const api = `${repoApi(core, repo)}/deployments/${deployment.id}`;
  return {
    url: api,
    id: deployment.id,
    node_id: deployment.nodeId,
    sha: deployment.sha,
    ref: deployment.ref,
    task: 'deploy',
    payload: {},
    original_environment: deployment.environment,
    environment: deployment.environment,
    description: null,
    creator: userJson(core, mustAccount(core.store, deployment.creatorId)),
    created_at: deployment.createdAt,
    updated_at: deployment.updatedAt,
    statuses_url: `${api}/statuses`,
    repository_url: repoApi(core, repo),
    transient_environment: false,
    production_environment: false,
    performed_via_github_app: null,
  };
}
