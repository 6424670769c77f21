// `workflow_run`, `workflow_job` and `deployment_protection_rule` webhooks from run state.
import type { SimCore } from '../core.ts';
import { readCommit } from '../git/objects.ts';
import { deploymentJson, jobJson, runJson, workflowJson } from '../serialize/actions.ts';
import type { Deployment, Job, WorkflowRun } from '../state/actions-types.ts';
import { mustAccount, mustRepo } from '../state/store.ts';

export async function runPayloadJson(sim: SimCore, run: WorkflowRun) {
  const repo = mustRepo(sim.store, run.repoId);
  return runJson(sim, run, await readCommit(repo.gitDir, run.headSha));
}

export function emitRun(sim: SimCore, run: WorkflowRun, action: 'requested' | 'in_progress' | 'completed') {
  const workflow = sim.store.workflows.get(run.workflowId);
  return sim.webhooks.emit({
    event: 'workflow_run',
    action,
    repo: mustRepo(sim.store, run.repoId),
    sender: mustAccount(sim.store, run.actorId),
    build: async () => ({
      workflow_run: await runPayloadJson(sim, run),
      workflow: workflow ? workflowJson(sim, workflow) : null,
    }),
  });
}

export function emitJob(
  sim: SimCore,
  run: WorkflowRun,
  job: Job,
  action: 'queued' | 'waiting' | 'in_progress' | 'completed',
  deployment?: Deployment,
) {
  return sim.webhooks.emit({
    event: 'workflow_job',
    action,
    repo: mustRepo(sim.store, run.repoId),
    sender: mustAccount(sim.store, run.actorId),
    build: () => ({
      workflow_job: jobJson(sim, job, run),
      ...(deployment ? { deployment: deploymentJson(sim, deployment) } : {}),
    }),
  });
}

export function emitProtectionRule(
  sim: SimCore,
  run: WorkflowRun,
  appId: number,
  environment: string,
  deployment: Deployment,
) {
  const repo = mustRepo(sim.store, run.repoId);
  return sim.webhooks.emit({
    event: 'deployment_protection_rule',
    action: 'requested',
    repo,
    onlyAppId: appId,
    sender: mustAccount(sim.store, run.actorId),
    build: () => ({
      environment,
      event: run.event,
      deployment_callback_url: `${sim.apiUrl}/repos/${mustAccount(sim.store, repo.ownerId).login}/${repo.name}/actions/runs/${run.id}/deployment_protection_rule`,
      deployment: deploymentJson(sim, deployment),
      pull_requests: [],
    }),
  });
}
