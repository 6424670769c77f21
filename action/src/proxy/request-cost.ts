// Pure: the worst case of one model call before it is sent, from its request: the model it names
// (in the body, or in Gemini's path), as many input tokens as the model's context window holds
// (or the request's bytes, when more), and the most output it allows (max_tokens and its provider
// equivalents, or a ceiling when it sets none) times the answers it asks for, at the model's
// dearest input rate and its output rate (prices.ts). This is what admission reserves. The input
// side is the window, not an estimate from the body: what a call is billed for input can exceed
// what its body shows (cached context, server-side tools, files referenced by id), and the
// reservation must not be smaller than the bill.
import { costOf, priceOf } from './prices.ts';
import type { ModelCall } from './provider-routes.ts';
import { obj } from './provider-usage.ts';
import type { Provider } from './usage-meter.ts';

export type CallEstimate = {
  model: string | null;
  /** The model's context window, or the request's bytes when more (a token is at least a byte). */
  inputTokens: number;
  outputTokens: number;
  /** Null when the model has no price (its cost cannot be bounded). */
  worstUsd: number | null;
  /** Bytes of the request body, for estimates when an answer ends before it reports usage. */
  requestBytes: number;
};

/** Output allowed when a request names no maximum: above every listed model's own ceiling. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 128_000;
const MAX_OUTPUT_TOKENS = 1_000_000;

/**
 * Context windows in tokens, by model family; first match wins. The largest a request can ask
 * for: Sonnet 4 and 4.5 take 1M tokens with Anthropic's long-context beta header.
 */
const CONTEXT_WINDOWS: readonly (readonly [RegExp, number])[] = [
  [/^claude-sonnet-4/, 1_000_000],
  [/^claude-/, 200_000],
  [/^gpt-4\.1/, 1_047_576],
  [/^gpt-5/, 400_000],
  [/^o[34]/, 200_000],
  [/^(?:models\/)?gemini-/, 1_048_576],
];

export function contextWindow(model: string): number {
  const name = model.trim().toLowerCase();
  return CONTEXT_WINDOWS.find(([pattern]) => pattern.test(name))?.[1] ?? 0;
}

const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
    ? Math.min(Math.ceil(value), MAX_OUTPUT_TOKENS)
    : null;

function parse(body: Buffer): Record<string, unknown> {
  try {
    return obj(JSON.parse(body.toString('utf8'))) ?? {};
  } catch {
    return {};
  }
}

/** The most output the request allows, reasoning included. */
export function maxOutputTokens(provider: Provider, request: Record<string, unknown>): number {
  switch (provider) {
    case 'anthropic':
      return count(request.max_tokens) ?? DEFAULT_MAX_OUTPUT_TOKENS;
    case 'openai':
      return (
        count(request.max_output_tokens ?? request.max_completion_tokens ?? request.max_tokens) ??
        DEFAULT_MAX_OUTPUT_TOKENS
      );
    case 'gemini': {
      const config = obj(request.generationConfig) ?? {};
      const output = count(config.maxOutputTokens);
      if (output === null) return DEFAULT_MAX_OUTPUT_TOKENS;
      // Thinking is billed as output and budgeted apart from maxOutputTokens.
      const thinking = count(obj(config.thinkingConfig)?.thinkingBudget);
      return Math.min(output + (thinking ?? DEFAULT_MAX_OUTPUT_TOKENS / 4), MAX_OUTPUT_TOKENS);
    }
  }
}

/** How many answers the request asks for, each with the most output it allows (`n`, `candidateCount`). */
export function choicesOf(provider: Provider, request: Record<string, unknown>): number {
  const asked =
    provider === 'openai'
      ? count(request.n)
      : provider === 'gemini'
        ? count(obj(request.generationConfig)?.candidateCount)
        : null;
  return Math.max(1, asked ?? 1);
}

export function estimateCall(provider: Provider, call: ModelCall, body: Buffer): CallEstimate {
  const request = parse(body);
  const named = typeof request.model === 'string' && request.model !== '' ? request.model : null;
  const model = call.model ?? named;
  const inputTokens = Math.max(body.length, model === null ? 0 : contextWindow(model));
  const outputTokens = maxOutputTokens(provider, request) * choicesOf(provider, request);
  const price = model === null ? null : priceOf(model);
  let worstUsd: number | null = null;
  if (model !== null && price !== null) {
    const none = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
    // Input at the dearer of the plain and cache-write rates.
    const input = Math.max(
      costOf(model, { ...none, input: inputTokens }) ?? 0,
      costOf(model, { ...none, cacheWrite: inputTokens }) ?? 0,
    );
    worstUsd = input + (costOf(model, { ...none, output: outputTokens }) ?? 0);
  }
  return { model, inputTokens, outputTokens, worstUsd, requestBytes: body.length };
}
