// Reads the model and the token usage out of a model API response as it streams past the
// proxy, without changing it: server-sent events (each `data:` line a JSON object) or one JSON
// body. What each message says is read per provider in provider-usage.ts.
import { StringDecoder } from 'node:string_decoder';
import { NO_TOKENS, type TokenCounts } from './prices.ts';
import { type JsonObject, obj, readUsage } from './provider-usage.ts';

export type Provider = 'anthropic' | 'openai' | 'gemini';

export type MeteredCall = { model: string | null; tokens: TokenCounts; sawUsage: boolean };

/** A JSON body larger than this is passed through but not read for usage. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

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
  let call: MeteredCall = { model: options.modelHint ?? null, tokens: { ...NO_TOKENS }, sawUsage: false };
  const take = (message: JsonObject) => {
    const said = readUsage(options.provider, message);
    call = {
      model: said.model ?? call.model,
      tokens: said.tokens ? { ...call.tokens, ...said.tokens } : call.tokens,
      sawUsage: call.sawUsage || said.tokens !== null,
    };
  };
  const framing = /text\/event-stream/i.test(options.contentType ?? '') ? eventStream(take) : jsonBody(take);
  return {
    feed: framing.feed,
    end() {
      framing.end();
      return call;
    },
  };
}

type Framing = { feed(chunk: Buffer): void; end(): void };

/** Server-sent events: every `data:` line that holds a JSON object, as it arrives. */
function eventStream(take: (message: JsonObject) => void): Framing {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  const readLine = (line: string) => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(5).trim();
    if (data === '' || data === '[DONE]') return;
    const message = parseObject(data);
    if (message) take(message);
  };
  return {
    feed(chunk) {
      buffered += decoder.write(chunk);
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines) readLine(line);
    },
    end() {
      buffered += decoder.end();
      if (buffered !== '') readLine(buffered);
    },
  };
}

/** One JSON body, read when it has ended (unless it grew too large to keep). */
function jsonBody(take: (message: JsonObject) => void): Framing {
  let chunks: Buffer[] | null = [];
  let bytes = 0;
  return {
    feed(chunk) {
      if (chunks === null) return;
      bytes += chunk.length;
      if (bytes > MAX_JSON_BYTES) chunks = null;
      else chunks.push(chunk);
    },
    end() {
      if (chunks === null) return;
      const message = parseObject(Buffer.concat(chunks).toString('utf8'));
      if (message) take(message);
    },
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
