// Executes one job of a parsed workflow the way a GitHub-hosted runner does: a fresh workspace,
// `actions/checkout` from the simulator's bare repository, `run:` steps through bash, local
// JavaScript actions through this Node, third-party actions recorded and skipped, step `if:`
// conditions, environment files, workflow commands, secret masking, the job timeout and
// cancellation (the whole process tree of the running step is killed), post steps, and the
// end-of-job cleanup of orphan processes.
import { evaluate, evaluateCondition, truthy } from './expressions.ts';
import { JobRun } from './job-run.ts';
import type { ExecuteJobOptions, JobResult, PostStep, StepResult, StepRun } from './job-types.ts';
import { killTrackedProcesses } from './process-tree.ts';
import { firstLine, preStep, runStep } from './run-step.ts';
import type { Step } from './workflow.ts';
import { WorkflowError } from './workflow-error.ts';

export type { ExecuteJobOptions, JobResult, StepOutcome, StepResult } from './job-types.ts';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function continuesOnError(run: JobRun, step: Step): boolean {
  if (typeof step.continueOnError === 'boolean') return step.continueOnError;
  try {
    const expression = step.continueOnError.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1');
    return truthy(evaluate(expression, run.expressionContext()));
  } catch {
    return false;
  }
}

/** GITHUB_ACTION for a step: its id, else `__run`, `__run_2`, `__actions_checkout`, … */
function actionIds() {
  const counts = new Map<string, number>();
  return (step: Step) => {
    if (step.id) return step.id;
    const base =
      step.run !== undefined ? '__run' : `__${step.uses!.split('@')[0]!.replace(/[^A-Za-z0-9]+/g, '_')}`;
    const count = (counts.get(base) ?? 0) + 1;
    counts.set(base, count);
    return count === 1 ? base : `${base}_${count}`;
  };
}

function stepName(step: Step): string {
  return step.name ?? (step.run !== undefined ? `Run ${firstLine(step.run)}` : `Run ${step.uses}`);
}

async function executeStep(run: JobRun, step: Step, actionId: string): Promise<void> {
  run.currentAction = actionId;
  const base = { ...(step.id ? { id: step.id } : {}), ...(step.uses ? { uses: step.uses } : {}) };
  let name = stepName(step);
  try {
    if (step.name) name = run.evaluateMap({ name: step.name }).name!;
    run.currentStep = name;
    if (!evaluateCondition(step.if, run.expressionContext())) {
      const skippedReason = `if: ${step.if ?? 'success()'} was false (job status ${run.status})`;
      run.record({ ...base, name, outcome: 'skipped', conclusion: 'skipped', skippedReason });
      return;
    }
  } catch (error) {
    run.emit(`##[error]${run.masker.mask(message(error))}`);
    run.record({ ...base, name, outcome: 'failure', conclusion: 'failure' });
    return;
  }
  const log = run.makeLog(name);
  const stepTimeout = step.timeoutMinutes ? [AbortSignal.timeout(step.timeoutMinutes * 60_000)] : [];
  const signal = AbortSignal.any([run.stepSignal(), ...stepTimeout]);
  let result: StepRun;
  try {
    const stepEnv = run.evaluateMap(step.env);
    result = await runStep(run, step, name, stepEnv, log, signal);
  } catch (error) {
    log.write(`##[error]${message(error)}`);
    run.annotate('error', message(error), name);
    result = { outcome: run.stopReason && signal.aborted ? 'cancelled' : 'failure' };
  }
  if (result.outcome === 'failure' && stepTimeout.length > 0 && signal.aborted && !run.stopReason) {
    log.write(`##[error]The action '${name}' has timed out after ${step.timeoutMinutes} minutes.`);
  }
  const tolerated = result.outcome === 'failure' && continuesOnError(run, step);
  const stepResult: StepResult = {
    ...base,
    name,
    outcome: result.outcome,
    conclusion: tolerated ? 'success' : result.outcome,
    ...(result.skippedReason ? { skippedReason: result.skippedReason } : {}),
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(result.details ? { details: result.details } : {}),
  };
  run.record(stepResult);
}

/** Runs pre or post steps (post steps in reverse order of their main steps). */
async function executeExtraSteps(run: JobRun, extra: PostStep[]): Promise<void> {
  for (const post of extra) {
    run.currentAction = post.actionId;
    run.currentStep = post.name;
    if (!evaluateCondition(post.condition, run.expressionContext())) {
      const skippedReason = `if: ${post.condition} was false`;
      run.record({ name: post.name, outcome: 'skipped', conclusion: 'skipped', skippedReason });
      continue;
    }
    const log = run.makeLog(post.name);
    let result: StepRun;
    try {
      result = await post.run(run.stepSignal(), log);
    } catch (error) {
      log.write(`##[error]${message(error)}`);
      result = { outcome: 'failure' };
    }
    run.record({
      name: post.name,
      outcome: result.outcome,
      conclusion: result.outcome,
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    });
  }
}

export async function executeJob(options: ExecuteJobOptions): Promise<JobResult> {
  const job = options.workflow.jobs[options.jobId];
  if (!job) throw new WorkflowError(`jobs.${options.jobId}`, 'no such job in the workflow');
  if (job.uses) {
    throw new WorkflowError(
      `jobs.${options.jobId}.uses`,
      'reusable workflows are not supported by the simulated runner',
    );
  }
  const run = new JobRun(options, job);
  const disarm = run.armStop();
  try {
    run.evaluateJobEnv();
    const idFor = actionIds();
    const ids = job.steps.map((step) => idFor(step));
    const pres: PostStep[] = [];
    job.steps.forEach((step, i) => {
      run.currentAction = ids[i]!;
      const pre = preStep(run, step, stepName(step));
      if (pre) pres.push(pre);
    });
    await executeExtraSteps(run, pres);
    for (const [i, step] of job.steps.entries()) await executeStep(run, step, ids[i]!);
  } catch (error) {
    run.emit(`##[error]${run.masker.mask(message(error))}`);
    run.status = run.status === 'cancelled' ? 'cancelled' : 'failure';
  }
  await executeExtraSteps(run, [...run.posts].reverse());
  disarm();
  const orphans = await killTrackedProcesses(run.trackingId);
  if (orphans.length > 0) {
    run.emit('Cleaning up orphan processes');
    for (const pid of orphans) run.emit(`Terminate orphan process: pid (${pid})`);
  }
  return {
    conclusion: run.stopReason ? 'cancelled' : run.status === 'failure' ? 'failure' : 'success',
    timedOut: run.stopReason === 'timeout',
    steps: run.steps,
    outputs: run.outputs,
    summary: run.summaries.map((part) => (part.endsWith('\n') ? part : `${part}\n`)).join(''),
    log: run.lines.join('\n'),
    annotations: run.annotations,
    workspace: run.layout.workspace,
    workRoot: run.layout.workRoot,
  };
}
