// Pure: what the key-holding proxy counted, in the job log and in the run's report — the CLI's
// own figures first, the proxy's filling what the CLI does not report.
import type { EngineRunResult, EngineUsage } from '../engines/engine.ts';
import type { ProxyStats } from '../proxy/model-proxy.ts';

export function describeProxyStats(stats: ProxyStats): string {
  const t = stats.tokens;
  const cost =
    stats.costUsd !== null
      ? `$${stats.costUsd.toFixed(4)}`
      : `unknown (no price for ${stats.unpricedModels.join(', ') || 'the model'}; $${stats.pricedCostUsd.toFixed(4)} priced)`;
  const notes = [
    stats.refused > 0 ? `${stats.refused} refused at a limit` : null,
    stats.waited > 0
      ? `${stats.waited} held back until calls in flight ended (at most ${stats.peakInFlight} at once)`
      : null,
    stats.estimatedCalls > 0 ? `${stats.estimatedCalls} ended early, their usage partly estimated` : null,
  ].filter((note) => note !== null);
  return `Model proxy: ${stats.calls} model call(s)${notes.map((note) => `, ${note}`).join('')}; tokens ${t.input + t.cacheRead + t.cacheWrite} in (${t.cacheRead} from cache), ${t.output} out; cost ${cost}.`;
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
