// Step `run`, after actions/checkout: spec → engine → changes → result → wait → summary.
// The OIDC token and the spec are fetched before the engine starts; the result is posted
// before the step reports failure, so the App always learns how the job ended.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ActionError, errorMessage } from '../action-error.ts';
import { type CheckoutSnapshot, snapshotCheckout } from '../changes/checkout-snapshot.ts';
import { type CollectedChanges, collectChanges, resultTooLarge } from '../changes/collect-changes.ts';
import type { EngineContext, EngineRunResult } from '../engines/engine.ts';
import { engineBaseEnvironment } from '../engines/engine-environment.ts';
import { selectEngine } from '../engines/select-engine.ts';
import { stopCommands } from '../github-runner/workflow-commands.ts';
import type { ProgressEvent, TaskResult, TaskStatus } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { decideOutcome } from './decide-outcome.ts';
import { renderJobSummary } from './job-summary.ts';
import type { StepContext } from './step-context.ts';
import { waitForTask } from './wait-for-task.ts';

const PROGRESS_INTERVAL_MS = 5_000;

type EnginePhase = {
  engine: EngineRunResult | null;
  version: string | null;
  durationMs: number;
  failure: string | null;
};

async function runEngine(
  ctx: StepContext,
  spec: TaskSpec,
  snapshotReady: boolean,
  tempDir: string,
  pending: Promise<void>[],
): Promise<EnginePhase> {
  const phase: EnginePhase = { engine: null, version: spec.engine.version, durationMs: 0, failure: null };
  if (!snapshotReady) return phase;
  let lastProgress = Number.NEGATIVE_INFINITY;
  let atLineStart = true;
  const write = (chunk: Buffer) => {
    if (chunk.length === 0) return;
    ctx.write(chunk.toString('utf8'));
    atLineStart = chunk[chunk.length - 1] === 10;
  };
  const engineCtx: EngineContext = {
    spec,
    workingDirectory: ctx.inputs.workingDirectory,
    tempDir,
    environment: engineBaseEnvironment(ctx.env),
    timeoutMs: spec.limits.timeoutMinutes * 60_000,
    graceMs: ctx.graceMs,
    log: ctx.log,
    // stdout and stderr share one stream so the runner sees them in order (stop-commands).
    output: { stdout: write, stderr: write },
    reportProgress(event: ProgressEvent) {
      if (ctx.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = ctx.now();
      pending.push(
        ctx.api
          .postEvent(event)
          .catch((error) => ctx.log.warning(`Progress not sent: ${errorMessage(error)}`)),
      );
    },
  };
  try {
    const engine = selectEngine(spec.engine.name);
    phase.version = (await engine.prepare(engineCtx)).version ?? spec.engine.version;
    ctx.log.group(`Engine ${spec.engine.name}: output (workflow commands disabled)`);
    const guard = stopCommands(ctx.write);
    const started = ctx.now();
    try {
      phase.engine = await engine.run(engineCtx);
    } finally {
      phase.durationMs = ctx.now() - started;
      if (!atLineStart) ctx.write('\n');
      guard.resume();
      ctx.log.endGroup();
    }
  } catch (error) {
    phase.failure = errorMessage(error);
  }
  return phase;
}

/** RUNNER_TEMP, unless it lies inside the checkout (where the engine's files would be collected). */
function privateTempRoot(ctx: StepContext): string {
  const runnerTemp = ctx.env.RUNNER_TEMP;
  if (!runnerTemp) return tmpdir();
  const inside = (dir: string | undefined) =>
    dir !== undefined && dir !== '' && !relative(dir, runnerTemp).startsWith('..');
  return inside(ctx.inputs.workingDirectory) || inside(ctx.env.GITHUB_WORKSPACE) ? tmpdir() : runnerTemp;
}

function resultBytes(result: TaskResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}

export async function runStep(ctx: StepContext): Promise<number> {
  const spec = await ctx.api.getSpec();
  ctx.outputs.set('task-id', String(spec.task.id));
  const stateDir = mkdtempSync(join(privateTempRoot(ctx), 'agent-dispatch-'));
  const tempDir = join(stateDir, 'engine');
  const gitDir = join(stateDir, 'git');
  mkdirSync(tempDir);
  mkdirSync(gitDir);
  try {
    let snapshot: CheckoutSnapshot | null = null;
    let setupFailure: string | null = null;
    try {
      snapshot = await snapshotCheckout({
        workingDirectory: ctx.inputs.workingDirectory,
        baseSha: spec.checkout.sha,
        stateDir: gitDir,
      });
    } catch (error) {
      setupFailure = errorMessage(error);
    }

    const pending: Promise<void>[] = [];
    const phase = await runEngine(ctx, spec, snapshot !== null, tempDir, pending);
    await Promise.allSettled(pending);

    let collected: CollectedChanges = { changes: [], patch: '' };
    let collectFailure: string | null = null;
    let tooLarge = false;
    if (snapshot !== null) {
      try {
        collected = await collectChanges(snapshot, { maxResultBytes: spec.limits.maxResultBytes });
      } catch (error) {
        collectFailure = errorMessage(error);
        tooLarge = error instanceof ActionError && error.code === 'result-too-large';
      }
    }
    const failure = [setupFailure, phase.failure, collectFailure].filter((f) => f !== null).join(' ') || null;
    const { outcome, error } = decideOutcome({ engine: phase.engine, failure, tooLarge });
    let result: TaskResult = {
      outcome,
      changes: collected.changes,
      patch: collected.patch,
      report: {
        engine: spec.engine.name,
        engineVersion: phase.version,
        model: spec.engine.model,
        turns: phase.engine?.usage?.turns ?? null,
        inputTokens: phase.engine?.usage?.inputTokens ?? null,
        outputTokens: phase.engine?.usage?.outputTokens ?? null,
        costUsd: phase.engine?.usage?.costUsd ?? null,
        durationMs: phase.durationMs,
        exitCode: phase.engine?.exitCode ?? null,
        summary: phase.engine?.summary ?? null,
        error,
      },
    };
    const bytes = resultBytes(result);
    if (bytes > spec.limits.maxResultBytes) {
      const refusal = resultTooLarge(bytes, spec.limits.maxResultBytes, result.changes.length).message;
      result = {
        outcome: 'failed',
        changes: [],
        patch: '',
        report: { ...result.report, error: [error, refusal].filter((e) => e !== null).join(' ') },
      };
    }
    if (result.report.error !== null) ctx.log.error(result.report.error);
    ctx.log.info(
      `Outcome: ${result.outcome}; ${result.changes.length} changed path(s). Sending the result to the App.`,
    );

    let postError: string | null = null;
    let status: TaskStatus | null = null;
    try {
      const answer = await ctx.api.postResult(result);
      ctx.log.info(`The App accepted the result: task ${answer.state}.`);
      status = await waitForTask(ctx.api, { ...ctx.wait, now: ctx.now, sleep: ctx.sleep, log: ctx.log });
      status ??= { id: spec.task.id, state: answer.state, prUrl: null, error: null };
    } catch (error) {
      postError = errorMessage(error);
      ctx.log.error(`The result was not delivered: ${postError}`);
    }

    ctx.outputs.set('conclusion', postError === null ? (status?.state ?? 'unknown') : 'result-not-delivered');
    ctx.outputs.set('pr-url', status?.prUrl ?? '');
    ctx.outputs.set('cost-usd', result.report.costUsd === null ? '' : String(result.report.costUsd));
    ctx.writeSummary(renderJobSummary({ spec, result, status, postError }));
    if (status?.prUrl) ctx.log.info(`Pull request: ${status.prUrl}`);
    return result.outcome === 'completed' && postError === null ? 0 : 1;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
