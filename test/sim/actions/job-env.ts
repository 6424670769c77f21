// What a runner knows about a job: the GITHUB_* variables, the `github` context (with the event
// payload) and the claims of the job's OIDC tokens.
import type { SimCore } from '../core.ts';
import type { ActionsOidcClaims } from '../oidc/issuer.ts';
import type { Workflow } from '../runner/workflow.ts';
import { repositoryJson } from '../serialize/repository.ts';
import { userJson } from '../serialize/user.ts';
import type { Job, WorkflowRun } from '../state/actions-types.ts';
import { fullName, mustAccount, mustRepo } from '../state/store.ts';
import { exampleFor } from '../webhooks/examples.ts';
import { fitPayload } from '../webhooks/fit-to-example.ts';

export type JobFacts = {
  env: Record<string, string>;
  github: Record<string, unknown>;
  claims: ActionsOidcClaims;
};

export function jobFacts(
  sim: SimCore,
  run: WorkflowRun,
  job: Job,
  workflow: Workflow,
  token: string,
): JobFacts {
  const repo = mustRepo(sim.store, run.repoId);
  const owner = mustAccount(sim.store, repo.ownerId);
  const actor = mustAccount(sim.store, run.actorId);
  const repository = fullName(sim.store, repo);
  const workflowRef = `${repository}/${run.workflowPath}@${run.ref}`;
  const refType = run.ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  const event = fitPayload(exampleFor('workflow_dispatch', null), {
    inputs: { ...run.inputs },
    ref: run.ref,
    repository: repositoryJson(sim, repo),
    sender: userJson(sim, actor),
    workflow: run.workflowPath,
  });
  const env: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_ID: String(repo.id),
    GITHUB_REPOSITORY_OWNER: owner.login,
    GITHUB_REPOSITORY_OWNER_ID: String(owner.id),
    GITHUB_RUN_ID: String(run.id),
    GITHUB_RUN_NUMBER: String(run.runNumber),
    GITHUB_RUN_ATTEMPT: String(run.runAttempt),
    GITHUB_JOB: job.jobKey,
    GITHUB_WORKFLOW: run.name,
    GITHUB_WORKFLOW_REF: workflowRef,
    GITHUB_WORKFLOW_SHA: run.headSha,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_REF: run.ref,
    GITHUB_REF_NAME: run.headBranch,
    GITHUB_REF_TYPE: refType,
    GITHUB_SHA: run.headSha,
    GITHUB_ACTOR: actor.login,
    GITHUB_ACTOR_ID: String(actor.id),
    GITHUB_TRIGGERING_ACTOR: actor.login,
    GITHUB_API_URL: sim.apiUrl,
    GITHUB_SERVER_URL: sim.url,
    GITHUB_GRAPHQL_URL: `${sim.apiUrl.replace(/\/v3$/, '')}/graphql`,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 1',
    RUNNER_ENVIRONMENT: 'github-hosted',
  };
  const github: Record<string, unknown> = {
    event,
    event_name: 'workflow_dispatch',
    repository,
    repository_id: String(repo.id),
    repository_owner: owner.login,
    repository_owner_id: String(owner.id),
    ref: run.ref,
    ref_name: run.headBranch,
    ref_type: refType,
    sha: run.headSha,
    run_id: String(run.id),
    run_number: String(run.runNumber),
    run_attempt: String(run.runAttempt),
    actor: actor.login,
    actor_id: String(actor.id),
    triggering_actor: actor.login,
    workflow: run.name,
    workflow_ref: workflowRef,
    workflow_sha: run.headSha,
    job: job.jobKey,
    server_url: sim.url,
    api_url: sim.apiUrl,
    graphql_url: env.GITHUB_GRAPHQL_URL,
    token,
    retention_days: '90',
  };
  const environment = job.environment ?? undefined;
  const claims: ActionsOidcClaims = {
    sub: environment ? `repo:${repository}:environment:${environment}` : `repo:${repository}:ref:${run.ref}`,
    repository,
    repository_id: String(repo.id),
    repository_owner: owner.login,
    repository_owner_id: String(owner.id),
    repository_visibility: repo.private ? 'private' : 'public',
    run_id: String(run.id),
    run_number: String(run.runNumber),
    run_attempt: String(run.runAttempt),
    workflow: workflow.name ?? run.workflowPath,
    workflow_ref: workflowRef,
    workflow_sha: run.headSha,
    job_workflow_ref: workflowRef,
    job_workflow_sha: run.headSha,
    ...(environment ? { environment } : {}),
    ref: run.ref,
    ref_type: refType,
    ref_protected: 'false',
    sha: run.headSha,
    actor: actor.login,
    actor_id: String(actor.id),
    event_name: 'workflow_dispatch',
    runner_environment: 'github-hosted',
    check_run_id: String(job.id),
  };
  return { env, github, claims };
}
