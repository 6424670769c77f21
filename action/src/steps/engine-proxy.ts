// The key-holding proxy around an engine that calls a model API: the real key is read (and
// masked) and the proxy started before the engine or anything it starts exists; once the engine
// has ended the proxy is closed and what it counted goes into the log and the run's report.
import { ActionError } from '../action-error.ts';
import type { EngineRunResult, ModelApiNeeds } from '../engines/engine.ts';
import { type ModelProxy, startModelProxy } from '../proxy/model-proxy.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { resolveEngineKey } from '../secrets/engine-key.ts';
import { describeProxyStats, withProxyStats } from './proxy-usage.ts';
import type { StepContext } from './step-context.ts';

export async function startEngineProxy(
  ctx: StepContext,
  spec: TaskSpec,
  engine: { name: string; modelApi: ModelApiNeeds },
): Promise<ModelProxy> {
  const needs = engine.modelApi;
  const key = await resolveEngineKey({
    engine: engine.name,
    variables: needs.keyVariables,
    env: ctx.env,
    mask: (value) => ctx.log.mask(value),
    readSecret: ctx.readSecret,
  });
  const upstream = upstreamUrl(ctx, needs);
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

/** The run's result with the proxy's count in it (null when the engine did not run). */
export async function closeEngineProxy(
  ctx: StepContext,
  proxy: ModelProxy,
  result: EngineRunResult | null,
): Promise<EngineRunResult | null> {
  await proxy.close();
  const stats = proxy.stats();
  ctx.log.info(describeProxyStats(stats));
  return result === null ? null : withProxyStats(result, stats);
}

/** The job's `*_BASE_URL` (a gateway) or the provider's API. */
function upstreamUrl(ctx: StepContext, needs: ModelApiNeeds): string {
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
