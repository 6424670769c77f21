// The engine phase of the run step: pick the engine, start the key-holding proxy for it when it
// calls a model API, prepare it, hand the checkout to the engine's user (when isolated), run it
// with its output in the job log (workflow commands disabled), take the checkout back, and turn
// whatever goes wrong into words for the App.
import { errorMessage } from '../action-error.ts';
import type { Engine, EngineContext, EngineRunResult } from '../engines/engine.ts';
import { engineBaseEnvironment } from '../engines/engine-environment.ts';
import { selectEngine } from '../engines/select-engine.ts';
import { stopCommands } from '../github-runner/workflow-commands.ts';
import type { EngineSandbox } from '../isolation/engine-sandbox.ts';
import type { ModelProxy } from '../proxy/model-proxy.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { type EngineOutput, engineOutput } from './engine-output.ts';
import { closeEngineProxy, startEngineProxy } from './engine-proxy.ts';
import { type ProgressEvents, progressEvents } from './progress-events.ts';
import type { StepContext } from './step-context.ts';
import { type LiveTranscript, startTranscript } from './transcript-step.ts';

export type EnginePhase = {
  engine: EngineRunResult | null;
  version: string | null;
  durationMs: number;
  failure: string | null;
  /** Files the isolated engine linked into the checkout that it was not given (checkout-handover.ts). */
  planted: string[];
};

export function enginePhaseNotRun(spec: TaskSpec): EnginePhase {
  return { engine: null, version: spec.engine.version, durationMs: 0, failure: null, planted: [] };
}

export async function runEngine(
  step: StepContext,
  spec: TaskSpec,
  sandbox: EngineSandbox,
  workTree: string,
): Promise<EnginePhase> {
  const live = startTranscript(step, spec);
  const ctx = live.ctx;
  const phase = enginePhaseNotRun(spec);
  const progress = progressEvents(ctx);
  const output = engineOutput(ctx.write);
  const engineCtx = engineContext(ctx, spec, sandbox, output, progress, live);
  let proxy: ModelProxy | null = null;
  try {
    const engine = selectEngine(spec.engine.name);
    if (engine.modelApi) {
      proxy = await startEngineProxy(ctx, spec, { name: engine.name, modelApi: engine.modelApi });
      engineCtx.modelAccess = { baseUrl: proxy.baseUrl, apiKey: proxy.dummyKey };
    }
    phase.version = (await engine.prepare(engineCtx)).version ?? spec.engine.version;
    try {
      await sandbox.enter(workTree);
      await runInLogGroup(ctx, engine, engineCtx, output, phase);
    } finally {
      phase.planted = (await sandbox.leave()).planted;
    }
  } catch (error) {
    phase.failure = errorMessage(error);
  } finally {
    if (proxy !== null) phase.engine = await closeEngineProxy(ctx, proxy, phase.engine);
  }
  await Promise.allSettled([progress.settled(), live.sink?.close()]);
  return phase;
}

function engineContext(
  ctx: StepContext,
  spec: TaskSpec,
  sandbox: EngineSandbox,
  output: EngineOutput,
  progress: ProgressEvents,
  live: LiveTranscript,
): EngineContext {
  return {
    spec,
    workingDirectory: ctx.inputs.workingDirectory,
    tempDir: sandbox.tempDir,
    sandbox,
    environment: sandbox.environment(engineBaseEnvironment(ctx.env)),
    timeoutMs: spec.limits.timeoutMinutes * 60_000,
    graceMs: ctx.graceMs,
    log: ctx.log,
    output: { stdout: live.commandOutput(output.sink.stdout), stderr: output.sink.stderr },
    jobEnvironment: ctx.env,
    modelAccess: null,
    reportProgress: progress.report,
    ...(live.sink ? { transcript: live.sink } : {}),
  };
}

/** Runs the engine with its output in a log group, between stop-commands markers; timed even when it throws. */
async function runInLogGroup(
  ctx: StepContext,
  engine: Engine,
  engineCtx: EngineContext,
  output: EngineOutput,
  phase: EnginePhase,
): Promise<void> {
  ctx.log.group(`Engine ${engineCtx.spec.engine.name}: output (workflow commands disabled)`);
  const guard = stopCommands(ctx.write);
  const started = ctx.now();
  try {
    phase.engine = await engine.run(engineCtx);
  } finally {
    phase.durationMs = ctx.now() - started;
    output.end(); // the resume command must start a line
    guard.resume();
    ctx.log.endGroup();
  }
}
