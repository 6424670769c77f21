// `workflow_dispatch`: resolve the workflow at the ref, check the inputs as GitHub does, create the
// run (display title from `run-name`) and its jobs.
import type { SimCore } from '../core.ts';
import { resolveCommit } from '../git/objects.ts';
import { substitute } from '../runner/expressions.ts';
import { type Workflow, WorkflowError } from '../runner/workflow.ts';
import { notFound, unprocessable } from '../server/http-error.ts';
import type { Job, WorkflowRun } from '../state/actions-types.ts';
import { isoNow, nodeId } from '../state/ids.ts';
import type { Repo } from '../state/types.ts';
import { findWorkflow, readWorkflowAt, workflowRecord } from './workflow-files.ts';

export type DispatchRequest = {
  workflowId: string;
  ref: string;
  inputs: Record<string, unknown>;
  actorId: number;
};

function checkInputs(workflow: Workflow, given: Record<string, unknown>): Record<string, string> {
  const declared = workflow.on.workflow_dispatch?.inputs ?? {};
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  if (unexpected.length > 0) throw unprocessable(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  if (Object.keys(given).length > 25) throw unprocessable('You can only provide up to 25 inputs.');
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined || value === null || value === '') {
      if (spec.required && spec.default === undefined)
        throw unprocessable(`Required input '${name}' not provided`);
      inputs[name] = spec.default ?? (spec.type === 'boolean' ? 'false' : '');
      continue;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (spec.type === 'choice' && spec.options && !spec.options.includes(text)) {
      throw unprocessable(`Provided value '${text}' for input '${name}' not in the list of allowed values`);
    }
    if (spec.type === 'boolean' && text !== 'true' && text !== 'false') {
      throw unprocessable(`Provided value '${text}' for input '${name}' is not a boolean`);
    }
    inputs[name] = text;
  }
  if (JSON.stringify(inputs).length > 65_535) throw unprocessable('inputs are too large.');
  return inputs;
}

async function resolveDispatchRef(
  repo: Repo,
  ref: string,
): Promise<{ fullRef: string; name: string; sha: string }> {
  const candidates = ref.startsWith('refs/') ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const fullRef of candidates) {
    const sha = await resolveCommit(repo.gitDir, fullRef);
    if (sha) return { fullRef, name: fullRef.replace(/^refs\/(heads|tags)\//, ''), sha };
  }
  throw unprocessable(`No ref found for: ${ref}`);
}

export async function createDispatchedRun(
  sim: SimCore,
  repo: Repo,
  request: DispatchRequest,
): Promise<{ run: WorkflowRun; workflow: Workflow }> {
  const record = await findWorkflow(sim, repo, request.workflowId);
  if (!record) throw notFound();
  const { fullRef, name, sha } = await resolveDispatchRef(repo, request.ref);
  let parsed: Awaited<ReturnType<typeof readWorkflowAt>>;
  try {
    parsed = await readWorkflowAt(repo, sha, record.path);
  } catch (error) {
    if (error instanceof WorkflowError) throw unprocessable(`Invalid workflow file: ${error.message}`);
    throw error;
  }
  if (!parsed) throw notFound();
  const { workflow } = parsed;
  if (!workflow.on.events.includes('workflow_dispatch')) {
    throw unprocessable("Workflow does not have 'workflow_dispatch' trigger");
  }
  const inputs = checkInputs(workflow, request.inputs);
  const runName = workflow.name ?? record.path;
  workflowRecord(sim, repo, record.path, runName);
  const id = sim.store.ids.next('run');
  const now = isoNow(sim.clock.now());
  const runNumber = [...sim.store.runs.values()].filter((r) => r.workflowId === record.id).length + 1;
  const contexts = { inputs, github: { event_name: 'workflow_dispatch', ref: fullRef, ref_name: name, sha } };
  const run: WorkflowRun = {
    id,
    nodeId: nodeId('WorkflowRun', id),
    repoId: repo.id,
    workflowId: record.id,
    workflowPath: record.path,
    name: runName,
    displayTitle: workflow.runName ? substitute(workflow.runName, { contexts }) : runName,
    runNumber,
    runAttempt: 1,
    event: 'workflow_dispatch',
    status: 'queued',
    conclusion: null,
    headBranch: name,
    headSha: sha,
    ref: fullRef,
    actorId: request.actorId,
    inputs,
    checkSuiteId: sim.store.ids.next('checkSuite'),
    jobIds: [],
    createdAt: now,
    updatedAt: now,
    runStartedAt: now,
    abort: new AbortController(),
  };
  sim.store.runs.set(id, run);
  for (const [jobKey, spec] of Object.entries(workflow.jobs)) {
    const jobId = sim.store.ids.next('job');
    const job: Job = {
      id: jobId,
      nodeId: nodeId('CheckRun', jobId),
      runId: id,
      repoId: repo.id,
      jobKey,
      name: spec.name ? substitute(spec.name, { contexts }) : jobKey,
      status: 'queued',
      conclusion: null,
      environment: spec.environment ? substitute(spec.environment.name, { contexts }) : null,
      createdAt: now,
      startedAt: now,
      completedAt: null,
      steps: [],
      log: '',
      runnerName: null,
    };
    sim.store.jobs.set(jobId, job);
    run.jobIds.push(jobId);
  }
  return { run, workflow };
}
