// Pure: the model and the token usage in one JSON message of a model API's answer — a
// server-sent event or the whole body — as each provider reports them, in TokenCounts.
import type { TokenCounts } from './prices.ts';
import type { Provider } from './usage-meter.ts';

export type JsonObject = Record<string, unknown>;

/** What one message says; null where it says nothing. */
export type UsageReading = { model: string | null; tokens: Partial<TokenCounts> | null };

const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
export const obj = (value: unknown): JsonObject | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

const NOTHING: UsageReading = { model: null, tokens: null };

export function readUsage(provider: Provider, message: JsonObject): UsageReading {
  switch (provider) {
    case 'anthropic': {
      // Streaming: message_start carries the input usage, message_delta the running output.
      const inner = message.type === 'message_start' ? obj(message.message) : message;
      if (!inner) return NOTHING;
      return reading(inner.model, obj(inner.usage), anthropicTokens);
    }
    case 'openai': {
      // Responses events wrap the response object; chat chunks and JSON bodies carry it directly.
      const response = obj(message.response) ?? message;
      return reading(response.model, obj(response.usage), openaiTokens);
    }
    case 'gemini':
      return reading(message.modelVersion, obj(message.usageMetadata), geminiTokens);
  }
}

function reading(
  model: unknown,
  usage: JsonObject | undefined,
  tokens: (usage: JsonObject) => Partial<TokenCounts>,
): UsageReading {
  return { model: str(model), tokens: usage ? tokens(usage) : null };
}

/** Anthropic `usage`: input_tokens excludes the cache reads and writes. */
function anthropicTokens(usage: JsonObject): Partial<TokenCounts> {
  const out: Partial<TokenCounts> = {};
  if ('input_tokens' in usage) out.input = num(usage.input_tokens);
  if ('cache_read_input_tokens' in usage) out.cacheRead = num(usage.cache_read_input_tokens);
  if ('cache_creation_input_tokens' in usage) out.cacheWrite = num(usage.cache_creation_input_tokens);
  if ('output_tokens' in usage) out.output = num(usage.output_tokens);
  return out;
}

/** OpenAI Responses (`input_tokens`) and Chat Completions (`prompt_tokens`): input includes cached. */
function openaiTokens(usage: JsonObject): Partial<TokenCounts> {
  const input = num(usage.input_tokens ?? usage.prompt_tokens);
  const details = obj(usage.input_tokens_details) ?? obj(usage.prompt_tokens_details) ?? {};
  const cached = Math.min(input, num(details.cached_tokens));
  return {
    input: input - cached,
    cacheRead: cached,
    cacheWrite: 0,
    output: num(usage.output_tokens ?? usage.completion_tokens),
  };
}

/** Gemini `usageMetadata`: promptTokenCount includes cached content; thoughts are billed as output. */
function geminiTokens(usage: JsonObject): Partial<TokenCounts> {
  const prompt = num(usage.promptTokenCount) + num(usage.toolUsePromptTokenCount);
  const cached = Math.min(prompt, num(usage.cachedContentTokenCount));
  return {
    input: prompt - cached,
    cacheRead: cached,
    cacheWrite: 0,
    output: num(usage.candidatesTokenCount) + num(usage.thoughtsTokenCount),
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The text one streamed message adds to the answer (text, tool-call arguments, reasoning), to
 * estimate the output of an answer that ends before it reports its usage.
 */
export function generatedText(provider: Provider, message: JsonObject): string {
  switch (provider) {
    case 'anthropic': {
      const delta = obj(message.delta);
      return message.type === 'content_block_delta' && delta
        ? text(delta.text) + text(delta.partial_json) + text(delta.thinking)
        : '';
    }
    case 'openai': {
      // Responses: every `….delta` event; Chat Completions: the choices' deltas.
      if (typeof message.type === 'string' && message.type.endsWith('.delta')) return text(message.delta);
      const choices = Array.isArray(message.choices) ? message.choices : [];
      return choices
        .map((choice) => obj(obj(choice)?.delta))
        .map((delta) => {
          const calls = Array.isArray(delta?.tool_calls) ? delta.tool_calls : [];
          return (
            text(delta?.content) +
            text(delta?.reasoning_content) +
            calls.map((call) => text(obj(obj(call)?.function)?.arguments)).join('')
          );
        })
        .join('');
    }
    case 'gemini': {
      const candidates = Array.isArray(message.candidates) ? message.candidates : [];
      return candidates
        .flatMap((candidate) => {
          const parts = obj(obj(candidate)?.content)?.parts;
          return Array.isArray(parts) ? parts : [];
        })
        .map((part) => {
          const p = obj(part);
          return text(p?.text) + (p?.functionCall ? JSON.stringify(p.functionCall) : '');
        })
        .join('');
    }
  }
}
