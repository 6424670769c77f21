// Reads the model and the token usage out of a model API response as it streams past the
// proxy, without changing it: server-sent events (each `data:` line a JSON object, read as it
// arrives) or one JSON body. What each message says is read per provider in provider-usage.ts.
// An answer that ends before it has reported its usage — the engine hung up, the connection
// broke — still counts: what it did report, and for the rest an estimate that errs high (one
// token per ESTIMATE_BYTES_PER_TOKEN bytes of the request, and of the text it had streamed).
import { StringDecoder } from 'node:string_decoder';
import { NO_TOKENS, type TokenCounts } from './prices.ts';
import { generatedText, type JsonObject, obj, readUsage } from './provider-usage.ts';

export type Provider = 'anthropic' | 'openai' | 'gemini';

export type MeteredCall = {
  model: string | null;
  tokens: TokenCounts;
  sawUsage: boolean;
  /** Some of the tokens are an estimate: the answer ended before it reported them. */
  estimated?: boolean;
};

/** A JSON body larger than this is passed through but not read for usage. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** Fewer bytes than a token takes in English text or code, so estimates err high. */
export const ESTIMATE_BYTES_PER_TOKEN = 3;

export type UsageMeter = {
  feed(chunk: Buffer): void;
  /** What has been read so far (usage as reported, no estimates). */
  current(): MeteredCall;
  /**
   * What the call used once its answer is over. `complete` when the answer was read to its end;
   * otherwise — or when it never reported its usage — the tokens it did not report are estimated.
   */
  end(complete: boolean): MeteredCall;
};

export function createUsageMeter(options: {
  provider: Provider;
  contentType: string | undefined;
  /** From the request path (Gemini names the model there). */
  modelHint?: string | null;
  /** The request's size, for the input estimate of an answer that ends early. */
  requestBytes?: number;
}): UsageMeter {
  let call: MeteredCall = { model: options.modelHint ?? null, tokens: { ...NO_TOKENS }, sawUsage: false };
  const seen: Partial<Record<keyof TokenCounts, true>> = {};
  let generatedBytes = 0;
  const take = (message: JsonObject) => {
    const said = readUsage(options.provider, message);
    generatedBytes += Buffer.byteLength(generatedText(options.provider, message));
    for (const key of Object.keys(said.tokens ?? {}) as (keyof TokenCounts)[]) seen[key] = true;
    call = {
      model: said.model ?? call.model,
      tokens: said.tokens ? { ...call.tokens, ...said.tokens } : call.tokens,
      sawUsage: call.sawUsage || said.tokens !== null,
    };
  };
  const sse = /text\/event-stream/i.test(options.contentType ?? '');
  const framing = sse ? eventStream(take) : jsonBody(take);
  return {
    feed: framing.feed,
    current: () => call,
    end(complete) {
      framing.end();
      // A whole answer is taken at its word; one that reported nothing is estimated only when
      // it streamed text (a chat stream without usage), not when it is, say, an error page.
      if (complete && (call.sawUsage || !sse || generatedBytes === 0)) return call;
      // JSON bodies cut short cannot be read: every byte that came counts as generated text.
      const generated = sse ? generatedBytes : framing.bytes();
      const estimate = (bytes: number) => Math.ceil(bytes / ESTIMATE_BYTES_PER_TOKEN);
      const tokens = { ...call.tokens };
      if (!seen.input && !seen.cacheRead && !seen.cacheWrite)
        tokens.input = estimate(options.requestBytes ?? 0);
      tokens.output = Math.max(tokens.output, estimate(generated));
      return { model: call.model, tokens, sawUsage: true, estimated: true };
    },
  };
}

type Framing = { feed(chunk: Buffer): void; end(): void; bytes(): number };

/** Server-sent events: every `data:` line that holds a JSON object, as it arrives. */
function eventStream(take: (message: JsonObject) => void): Framing {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  let bytes = 0;
  const readLine = (line: string) => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') return;
    const message = parseObject(data);
    if (message) take(message);
  };
  return {
    feed(chunk) {
      bytes += chunk.length;
      buffered += decoder.write(chunk);
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines) readLine(line);
    },
    end() {
      buffered += decoder.end();
      if (buffered !== '') readLine(buffered);
      buffered = '';
    },
    bytes: () => bytes,
  };
}

/** One JSON body, read when it has ended (unless it grew too large to keep). */
function jsonBody(take: (message: JsonObject) => void): Framing {
  let chunks: Buffer[] | null = [];
  let bytes = 0;
  return {
    feed(chunk) {
      bytes += chunk.length;
      if (chunks === null) return;
      if (bytes > MAX_JSON_BYTES) chunks = null;
      else chunks.push(chunk);
    },
    end() {
      if (chunks === null) return;
      const message = parseObject(Buffer.concat(chunks).toString('utf8'));
      chunks = null;
      if (message) take(message);
    },
    bytes: () => bytes,
  };
}

/** Anything that is not a JSON object (an error page, a comment) is passed through, not counted. */
function parseObject(text: string): JsonObject | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}
