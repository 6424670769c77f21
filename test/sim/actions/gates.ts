// Environment gates for a job: required reviewers (one approval suffices; prevent-self-review) and
// custom deployment protection rules answered by the Apps they name. Any rejection rejects the gate.
import type { SimCore } from '../core.ts';
import { HttpError, unprocessable } from '../server/http-error.ts';
import type { Deployment, Gate, GateDecision, Job, WorkflowRun } from '../state/actions-types.ts';
import { isoNow, nodeId } from '../state/ids.ts';
import type { Environment } from '../state/types.ts';

export function needsGate(environment: Environment): boolean {
  return environment.reviewerIds.length > 0 || environment.protectionRuleAppIds.length > 0;
}

export function openGate(sim: SimCore, run: WorkflowRun, job: Job, environment: Environment): Gate {
  const now = isoNow(sim.clock.now());
  const deployment: Deployment = {
    id: sim.store.ids.next('deployment'),
    nodeId: '',
    repoId: run.repoId,
    runId: run.id,
    environment: environment.name,
    sha: run.headSha,
    ref: run.headBranch,
    creatorId: run.actorId,
    createdAt: now,
    updatedAt: now,
  };
  deployment.nodeId = nodeId('Deployment', deployment.id);
  sim.store.deployments.set(deployment.id, deployment);
  let settle: Gate['settle'] = () => {};
  const settled = new Promise<'approved' | 'rejected'>((resolve) => {
    settle = resolve;
  });
  const gate: Gate = {
    runId: run.id,
    jobId: job.id,
    environmentId: environment.id,
    deploymentId: deployment.id,
    reviewers: environment.reviewerIds.length > 0 ? 'pending' : 'not_required',
    reviewerComment: null,
    apps: new Map(environment.protectionRuleAppIds.map((appId) => [appId, 'pending' as GateDecision])),
    settled,
    settle,
    done: false,
  };
  sim.store.gates.set(job.id, gate);
  return gate;
}

function evaluate(gate: Gate): void {
  if (gate.done) return;
  const decisions = [gate.reviewers, ...gate.apps.values()];
  if (decisions.includes('rejected')) {
    gate.done = true;
    gate.settle('rejected');
  } else if (decisions.every((decision) => decision === 'approved' || decision === 'not_required')) {
    gate.done = true;
    gate.settle('approved');
  }
}

export function gatesOfRun(sim: SimCore, runId: number): Gate[] {
  return [...sim.store.gates.values()].filter((gate) => gate.runId === runId);
}

/** A required reviewer approves or rejects the pending deployments of a run. */
export function reviewAsUser(
  sim: SimCore,
  run: WorkflowRun,
  userId: number,
  environmentIds: number[],
  state: 'approved' | 'rejected',
  comment: string,
): Deployment[] {
  const pending = gatesOfRun(sim, run.id).filter((gate) => gate.reviewers === 'pending' && !gate.done);
  const chosen = pending.filter((gate) => environmentIds.includes(gate.environmentId));
  if (chosen.length === 0)
    throw unprocessable('There are no pending deployments for the given environments.');
  for (const gate of chosen) {
    const environment = sim.store.environments.get(gate.environmentId);
    if (!environment?.reviewerIds.includes(userId)) {
      throw unprocessable(`You are not a required reviewer for the ${environment?.name ?? ''} environment.`);
    }
    if (environment.preventSelfReview && run.actorId === userId && state === 'approved') {
      throw unprocessable('You cannot approve your own deployment: this environment prevents self-review.');
    }
  }
  const deployments: Deployment[] = [];
  for (const gate of chosen) {
    gate.reviewers = state;
    gate.reviewerComment = comment;
    const deployment = sim.store.deployments.get(gate.deploymentId);
    if (deployment) deployments.push(deployment);
    evaluate(gate);
  }
  return deployments;
}

/** An App answers its custom deployment protection rule for a run's environment. */
export function reviewAsApp(
  sim: SimCore,
  run: WorkflowRun,
  appId: number,
  environmentName: string,
  state: 'approved' | 'rejected',
): void {
  const gate = gatesOfRun(sim, run.id).find(
    (candidate) =>
      sim.store.environments.get(candidate.environmentId)?.name.toLowerCase() ===
      environmentName.toLowerCase(),
  );
  if (!gate) throw unprocessable(`No pending deployment for environment ${environmentName}.`);
  const decision = gate.apps.get(appId);
  if (decision === undefined) throw new HttpError(403, 'Resource not accessible by integration');
  if (decision !== 'pending' || gate.done) {
    throw unprocessable('This deployment protection rule is not pending for this workflow run.');
  }
  gate.apps.set(appId, state);
  evaluate(gate);
}

/** Cancelling a run rejects its open gates so the lifecycle can finish. */
export function abandonGates(sim: SimCore, runId: number): void {
  for (const gate of gatesOfRun(sim, runId)) {
    if (!gate.done) {
      gate.done = true;
      gate.settle('rejected');
    }
  }
}
