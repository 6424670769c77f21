// The engine phase of the run step: pick the engine, resolve its model API key and start the
// key-holding proxy for it, prepare it, run it with its output in the job log (workflow
// commands disabled), and turn whatever goes wrong into words for the App.
import { StringDecoder } from 'node:string_decoder';
import { ActionError, errorMessage } from '../action-error.ts';
import type { Engine, EngineContext, EngineRunResult, EngineUsage } from '../engines/engine.ts';
import { engineBaseEnvironment } from '../engines/engine-environment.ts';
import { selectEngine } from '../engines/select-engine.ts';
import { stopCommands } from '../github-runner/workflow-commands.ts';
import { type ModelProxy, type ProxyStats, startModelProxy } from '../proxy/model-proxy.ts';
import type { ProgressEvent } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { resolveEngineKey } from '../secrets/engine-key.ts';
import type { StepContext } from './step-context.ts';
import { startTranscript } from './transcript-step.ts';

const PROGRESS_INTERVAL_MS = 5_000;

export type EnginePhase = {
  engine: EngineRunResult | null;
  version: string | null;
  durationMs: number;
  failure: string | null;
};

export async function runEngine(step: StepContext, spec: TaskSpec, tempDir: string): Promise<EnginePhase> {
  const live = startTranscript(step, spec);
  const ctx = live.ctx;
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
    output: { stdout: live.commandOutput(write), stderr: write },
    jobEnvironment: ctx.env,
    modelAccess: null,
    ...(live.sink ? { transcript: live.sink } : {}),
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
  let proxy: ModelProxy | null = null;
  try {
    const engine = selectEngine(spec.engine.name);
    if (engine.modelApi) {
      proxy = await startProxy(ctx, spec, engine);
      engineCtx.modelAccess = { baseUrl: proxy.baseUrl, apiKey: proxy.dummyKey };
    }
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
  } finally {
    if (proxy !== null) {
      await proxy.close();
      const stats = proxy.stats();
      ctx.log.info(describeProxyStats(stats));
      if (phase.engine !== null) phase.engine = withProxyStats(phase.engine, stats);
    }
  }
  await Promise.allSettled([...pending, live.sink?.close()]);
  return phase;
}

function upstreamUrl(ctx: StepContext, engine: Engine): string {
  const needs = engine.modelApi!;
  const configured = (ctx.env[needs.baseUrlVariable] ?? '').trim();
  const value = configured || needs.defaultBaseUrl;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ActionError('proxy-failed', `${needs.baseUrlVariable} is "${value}", which is not a URL.`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') {
    throw new ActionError(
      'proxy-failed',
      `${needs.baseUrlVariable} must be an http(s) URL without credentials, such as ${needs.defaultBaseUrl}.`,
    );
  }
  return value;
}

/** The real key is read (and masked) here, before the engine or anything it starts exists. */
async function startProxy(ctx: StepContext, spec: TaskSpec, engine: Engine): Promise<ModelProxy> {
  const needs = engine.modelApi!;
  const key = await resolveEngineKey({
    engine: engine.name,
    variables: needs.keyVariables,
    env: ctx.env,
    mask: (value) => ctx.log.mask(value),
    readSecret: ctx.readSecret,
  });
  const upstream = upstreamUrl(ctx, engine);
  ctx.log.info(
    `Model API key from ${key.reference === null ? key.variable : `${key.variable} → ${key.reference}`}; the engine gets a dummy key and reaches ${upstream} through the key-holding proxy.`,
  );
  return startModelProxy({
    provider: needs.provider,
    upstream,
    apiKey: key.value,
    limits: { maxTurns: spec.limits.maxTurns, maxCostUsd: spec.limits.maxCostUsd },
    log: ctx.log,
  });
}

function describeProxyStats(stats: ProxyStats): string {
  const t = stats.tokens;
  const cost =
    stats.costUsd !== null
      ? `$${stats.costUsd.toFixed(4)}`
      : `unknown (no price for ${stats.unpricedModels.join(', ') || 'the model'}; $${stats.pricedCostUsd.toFixed(4)} priced)`;
  return `Model proxy: ${stats.calls} model call(s)${stats.refused > 0 ? `, ${stats.refused} refused at a limit` : ''}; tokens ${t.input + t.cacheRead + t.cacheWrite} in (${t.cacheRead} from cache), ${t.output} out; cost ${cost}.`;
}

/** The CLI's own figures first; the proxy's count fills what the CLI does not report. */
export function withProxyStats(result: EngineRunResult, stats: ProxyStats): EngineRunResult {
  const own = result.usage;
  const counted = stats.calls > 0;
  const usage: EngineUsage = {
    turns: own?.turns ?? (counted ? stats.calls : null),
    inputTokens:
      own?.inputTokens ??
      (counted ? stats.tokens.input + stats.tokens.cacheRead + stats.tokens.cacheWrite : null),
    outputTokens: own?.outputTokens ?? (counted ? stats.tokens.output : null),
    costUsd: own?.costUsd ?? (counted ? stats.costUsd : null),
  };
  const any = Object.values(usage).some((value) => value !== null);
  return {
    ...result,
    usage: any ? usage : result.usage,
    // The proxy's refusal is what stopped the engine, whatever the engine made of it.
    limit: stats.limit?.message ?? result.limit ?? null,
    model: result.model ?? stats.models[0] ?? null,
  };
}
