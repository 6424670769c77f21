// Step `run`, after actions/checkout: spec → sandbox → engine → changes → result → wait →
// summary. The OIDC token and the spec are fetched before the engine starts; the engine runs as a
// user of its own when the runner allows it (isolation/); the result is posted before the step
// reports failure, so the App always learns how the job ended.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ActionError, errorMessage } from '../action-error.ts';
import { applyHandedOnChanges } from '../changes/apply-handoff.ts';
import { type CheckoutSnapshot, snapshotCheckout } from '../changes/checkout-snapshot.ts';
import { type CollectedChanges, collectChanges } from '../changes/collect-changes.ts';
import { guardFileCommands } from '../github-runner/guard-file-commands.ts';
import { type EngineSandbox, openSandbox } from '../isolation/engine-sandbox.ts';
import type { TaskResult, TaskStatus } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { buildResult } from './build-result.ts';
import { isolationNote, isolationRequired } from './isolation-words.ts';
import { renderJobSummary } from './job-summary.ts';
import { enginePhaseNotRun, runEngine } from './run-engine.ts';
import type { StepContext } from './step-context.ts';
import { waitForTask } from './wait-for-task.ts';

/** RUNNER_TEMP, unless it lies inside the checkout (where the engine's files would be collected). */
function privateTempRoot(ctx: StepContext): string {
  const runnerTemp = ctx.env.RUNNER_TEMP;
  if (!runnerTemp) return tmpdir();
  const inside = (dir: string | undefined) =>
    dir !== undefined && dir !== '' && !relative(dir, runnerTemp).startsWith('..');
  return inside(ctx.inputs.workingDirectory) || inside(ctx.env.GITHUB_WORKSPACE) ? tmpdir() : runnerTemp;
}

/** The job failed before the engine ran (the checkout could not be read or prepared). */
function notRunResult(spec: TaskSpec, error: unknown): TaskResult {
  return buildResult({
    spec,
    phase: enginePhaseNotRun(spec),
    changes: [],
    patch: '',
    failure: errorMessage(error),
    tooLarge: false,
  });
}

async function engineAndChanges(
  ctx: StepContext,
  spec: TaskSpec,
  stateDir: string,
  sandbox: EngineSandbox,
): Promise<TaskResult> {
  const gitDir = join(stateDir, 'git');
  mkdirSync(gitDir);
  const notRun = enginePhaseNotRun(spec);
  const { isolation } = sandbox;
  if (!isolation.isolated && spec.engine.isolation === 'required') {
    const failure = isolationRequired(isolation.reason);
    return buildResult({ spec, phase: notRun, changes: [], patch: '', failure, tooLarge: false });
  }
  let snapshot: CheckoutSnapshot;
  try {
    snapshot = await snapshotCheckout({
      workingDirectory: ctx.inputs.workingDirectory,
      baseSha: spec.checkout.sha,
      stateDir: gitDir,
    });
  } catch (error) {
    return notRunResult(spec, error);
  }
  const handedOn = spec.handoff?.changes ?? [];
  if (handedOn.length > 0) {
    try {
      const applied = applyHandedOnChanges(snapshot.workTree, handedOn);
      ctx.log.info(`Applied the change handed on by the earlier step (${applied} path(s)).`);
    } catch (error) {
      return notRunResult(spec, error);
    }
  }
  const guard = guardFileCommands(ctx.env);
  const phase = await runEngine(ctx, spec, sandbox, snapshot.workTree);
  const tampered = guard.restore();
  if (tampered.length > 0) {
    const failure = `The agent wrote to the runner's workflow command files (${tampered.length} ${tampered.length === 1 ? 'file' : 'files'}), which would change later steps of the job. That was undone and its work discarded.`;
    ctx.log.error(failure);
    return buildResult({ spec, phase, changes: [], patch: '', failure, tooLarge: false });
  }
  if (phase.planted.length > 0) {
    const failure = `The agent linked ${phase.planted.length} file(s) into the checkout that it was not given (${phase.planted.slice(0, 5).join(', ')}): collecting them would read files the engine itself may not. Its work was discarded.`;
    ctx.log.error(failure);
    return buildResult({ spec, phase, changes: [], patch: '', failure, tooLarge: false });
  }
  // A read-only step (plan, summary, review): whatever it changed is discarded, never sent.
  if (spec.step?.readOnly) {
    ctx.log.info(`Step ${spec.step.name} changes nothing: its changes in the checkout are discarded.`);
    return buildResult({ spec, phase, changes: [], patch: '', failure: null, tooLarge: false });
  }
  try {
    const collected: CollectedChanges = await collectChanges(snapshot, {
      maxResultBytes: spec.limits.maxResultBytes,
    });
    return buildResult({ spec, phase, ...collected, failure: null, tooLarge: false });
  } catch (error) {
    const tooLarge = error instanceof ActionError && error.code === 'result-too-large';
    return buildResult({ spec, phase, changes: [], patch: '', failure: errorMessage(error), tooLarge });
  }
}

/** Posts the result and waits briefly for the App to publish. */
async function deliver(
  ctx: StepContext,
  spec: TaskSpec,
  result: TaskResult,
): Promise<{ status: TaskStatus | null; postError: string | null }> {
  try {
    const answer = await ctx.api.postResult(result);
    ctx.log.info(`The App accepted the result: task ${answer.state}.`);
    const status = await waitForTask(ctx.api, { ...ctx.wait, now: ctx.now, sleep: ctx.sleep, log: ctx.log });
    return {
      status: status ?? { id: spec.task.id, state: answer.state, prUrl: null, error: null },
      postError: null,
    };
  } catch (error) {
    const postError = errorMessage(error);
    ctx.log.error(`The result was not delivered: ${postError}`);
    return { status: null, postError };
  }
}

export async function runStep(ctx: StepContext): Promise<number> {
  const spec = await ctx.api.getSpec();
  ctx.outputs.set('task-id', String(spec.task.id));
  const stateDir = mkdtempSync(join(privateTempRoot(ctx), 'agent-dispatch-'));
  const sandbox = await openSandbox({ env: ctx.env, stateDir });
  try {
    if (sandbox.isolation.isolated) ctx.log.info(isolationNote(sandbox.isolation));
    else ctx.log.warning(isolationNote(sandbox.isolation));
    const result = await engineAndChanges(ctx, spec, stateDir, sandbox);
    if (result.report.error !== null) ctx.log.error(result.report.error);
    ctx.log.info(
      `Outcome: ${result.outcome}; ${result.changes.length} changed path(s). Sending the result to the App.`,
    );

    const { status, postError } = await deliver(ctx, spec, result);

    ctx.outputs.set('conclusion', postError === null ? (status?.state ?? 'unknown') : 'result-not-delivered');
    ctx.outputs.set('pr-url', status?.prUrl ?? '');
    ctx.outputs.set('cost-usd', result.report.costUsd === null ? '' : String(result.report.costUsd));
    await ctx.writeSummary(
      renderJobSummary({ spec, result, status, postError, isolation: sandbox.isolation }),
    );
    if (status?.prUrl) ctx.log.info(`Pull request: ${status.prUrl}`);
    return result.outcome === 'completed' && postError === null ? 0 : 1;
  } finally {
    await sandbox.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
