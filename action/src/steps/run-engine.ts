// The engine phase of the run step: pick the engine, prepare it, run it with its output in the
// job log (workflow commands disabled), and turn whatever goes wrong into words for the App.
import { StringDecoder } from 'node:string_decoder';
import { errorMessage } from '../action-error.ts';
import type { EngineContext, EngineRunResult } from '../engines/engine.ts';
import { engineBaseEnvironment } from '../engines/engine-environment.ts';
import { selectEngine } from '../engines/select-engine.ts';
import { stopCommands } from '../github-runner/workflow-commands.ts';
import type { ProgressEvent } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import type { StepContext } from './step-context.ts';

const PROGRESS_INTERVAL_MS = 5_000;

export type EnginePhase = {
  engine: EngineRunResult | null;
  version: string | null;
  durationMs: number;
  failure: string | null;
};

export async function runEngine(ctx: StepContext, spec: TaskSpec, tempDir: string): Promise<EnginePhase> {
  const phase: EnginePhase = { engine: null, version: spec.engine.version, durationMs: 0, failure: null };
  const pending: Promise<void>[] = [];
  let lastProgress = Number.NEGATIVE_INFINITY;
  let atLineStart = true;
  // One decoder for both streams: they share one log stream so the runner sees them in order.
  const decoder = new StringDecoder('utf8');
  const write = (chunk: Buffer) => {
    const text = decoder.write(chunk);
    if (text === '') return;
    ctx.write(text);
    atLineStart = text.endsWith('\n');
  };
  const engineCtx: EngineContext = {
    spec,
    workingDirectory: ctx.inputs.workingDirectory,
    tempDir,
    environment: engineBaseEnvironment(ctx.env),
    timeoutMs: spec.limits.timeoutMinutes * 60_000,
    graceMs: ctx.graceMs,
    log: ctx.log,
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
      const rest = decoder.end();
      if (rest !== '') {
        ctx.write(rest);
        atLineStart = rest.endsWith('\n');
      }
      if (!atLineStart) ctx.write('\n'); // the resume command must start a line
      guard.resume();
      ctx.log.endGroup();
    }
  } catch (error) {
    phase.failure = errorMessage(error);
  }
  await Promise.allSettled(pending);
  return phase;
}
