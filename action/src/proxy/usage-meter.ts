// Reads the model and the token usage out of a model API response as it streams past the
// proxy, without changing it: server-sent events (each `data:` line a JSON object) or one JSON
// body. Each provider reports usage in its own shape; all end up as TokenCounts.
import { StringDecoder } from 'node:string_decoder';
import { NO_TOKENS, type TokenCounts } from './prices.ts';

export type Provider = 'anthropic' | 'openai' | 'gemini';

export type MeteredCall = { model: string | null; tokens: TokenCounts; sawUsage: boolean };

type Json = Record<string, unknown>;

/** A JSON body larger than this is passed through but not read for usage. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

const num = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
const obj = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Anthropic `usage`: input_tokens excludes the cache reads and writes. */
function anthropicTokens(usage: Json): Partial<TokenCounts> {
  const out: Partial<TokenCounts> = {};
  if ('input_tokens' in usage) out.input = num(usage.input_tokens);
  if ('cache_read_input_tokens' in usage) out.cacheRead = num(usage.cache_read_input_tokens);
  if ('cache_creation_input_tokens' in usage) out.cacheWrite = num(usage.cache_creation_input_tokens);
  if ('output_tokens' in usage) out.output = num(usage.output_tokens);
  return out;
}

/** OpenAI Responses (`input_tokens`) and Chat Completions (`prompt_tokens`): input includes cached. */
function openaiTokens(usage: Json): Partial<TokenCounts> {
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
function geminiTokens(usage: Json): Partial<TokenCounts> {
  const prompt = num(usage.promptTokenCount) + num(usage.toolUsePromptTokenCount);
  const cached = Math.min(prompt, num(usage.cachedContentTokenCount));
  return {
    input: prompt - cached,
    cacheRead: cached,
    cacheWrite: 0,
    output: num(usage.candidatesTokenCount) + num(usage.thoughtsTokenCount),
  };
}

export type UsageMeter = {
  feed(chunk: Buffer): void;
  /** What was read once the response has ended. */
  end(): MeteredCall;
};

export function createUsageMeter(options: {
  provider: Provider;
  contentType: string | undefined;
  /** From the request path (Gemini names the model there). */
  modelHint?: string | null;
}): UsageMeter {
  const sse = /text\/event-stream/i.test(options.contentType ?? '');
  const decoder = new StringDecoder('utf8');
  let model: string | null = options.modelHint ?? null;
  let tokens: TokenCounts = { ...NO_TOKENS };
  let sawUsage = false;
  let buffered = '';
  let jsonBytes = 0;
  let jsonChunks: Buffer[] | null = sse ? null : [];

  const merge = (partial: Partial<TokenCounts> | undefined) => {
    if (!partial) return;
    sawUsage = true;
    tokens = { ...tokens, ...partial };
  };

  function read(message: Json): void {
    switch (options.provider) {
      case 'anthropic': {
        // Streaming: message_start carries the input usage, message_delta the running output.
        const message_ = message.type === 'message_start' ? obj(message.message) : message;
        if (!message_) return;
        model = str(message_.model) ?? model;
        const usage = obj(message_.usage);
        if (usage) merge(anthropicTokens(usage));
        return;
      }
      case 'openai': {
        // Responses events wrap the response object; chat chunks and JSON bodies carry it directly.
        const response = obj(message.response) ?? message;
        model = str(response.model) ?? model;
        const usage = obj(response.usage);
        if (usage) merge(openaiTokens(usage));
        return;
      }
      case 'gemini': {
        model = str(message.modelVersion) ?? model;
        const usage = obj(message.usageMetadata);
        if (usage) merge(geminiTokens(usage));
        return;
      }
    }
  }

  function readLine(line: string): void {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') return;
    try {
      const parsed = obj(JSON.parse(data));
      if (parsed) read(parsed);
    } catch {
      // Not JSON: passed through, not counted.
    }
  }

  return {
    feed(chunk) {
      if (!sse) {
        if (jsonChunks === null) return;
        jsonBytes += chunk.length;
        if (jsonBytes > MAX_JSON_BYTES) jsonChunks = null;
        else jsonChunks.push(chunk);
        return;
      }
      buffered += decoder.write(chunk);
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines) readLine(line);
    },
    end() {
      if (sse) {
        buffered += decoder.end();
        if (buffered !== '') readLine(buffered);
      } else if (jsonChunks !== null) {
        try {
          const parsed = obj(JSON.parse(Buffer.concat(jsonChunks).toString('utf8')));
          if (parsed) read(parsed);
        } catch {
          // Not JSON (an error page): nothing to count.
        }
      }
      return { model, tokens, sawUsage };
    },
  };
}
