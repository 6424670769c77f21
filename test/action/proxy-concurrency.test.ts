// The key-holding proxy's limits under pressure, against the scripted model server over real
// HTTP, for each provider format: many model calls fired at once must not spend past the cost
// cap, and a stream the engine hangs up on after its content came is still counted.
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelProxy, startModelProxy } from '../../action/src/proxy/model-proxy.ts';
import { ESTIMATE_BYTES_PER_TOKEN, type Provider } from '../../action/src/proxy/usage-meter.ts';
import { type ScriptedModelServer, startScriptedModelServer } from '../sim/model/server.ts';

const REAL_KEY = 'sk-real-upstream-key-concurrency';
/** Every reply says it read 10,000 input tokens and wrote 2,000; each request holds more bytes. */
const USAGE = { input_tokens: 10_000, output_tokens: 2_000 };
const PADDING = 'p'.repeat(12_000);
const MAX_OUTPUT = 4_000;

type Format = {
  name: string;
  provider: Provider;
  upstream: (model: ScriptedModelServer) => string;
  path: string;
  headers: (key: string) => Record<string, string>;
  body: Record<string, unknown>;
  /** What one call costs at the scripted usage, from the price table. */
  callUsd: number;
};

const FORMATS: Format[] = [
  {
    name: 'Anthropic Messages',
    provider: 'anthropic',
    upstream: (model) => model.anthropicBaseUrl,
    path: '/v1/messages',
    headers: (key) => ({ 'x-api-key': key, 'anthropic-version': '2023-06-01' }),
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: MAX_OUTPUT,
      stream: true,
      tools: [{ name: 'Bash', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: PADDING }],
    },
    callUsd: (10_000 * 3 + 2_000 * 15) / 1e6,
  },
  {
    name: 'OpenAI Responses',
    provider: 'openai',
    upstream: (model) => model.openaiBaseUrl,
    path: '/responses',
    headers: (key) => ({ authorization: `Bearer ${key}` }),
    body: {
      model: 'gpt-5',
      max_output_tokens: MAX_OUTPUT,
      stream: true,
      tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }],
      input: PADDING,
    },
    callUsd: (10_000 * 1.25 + 2_000 * 10) / 1e6,
  },
  {
    name: 'OpenAI Chat Completions',
    provider: 'openai',
    upstream: (model) => model.openaiBaseUrl,
    path: '/chat/completions',
    headers: (key) => ({ authorization: `Bearer ${key}` }),
    body: {
      model: 'gpt-4.1',
      max_tokens: MAX_OUTPUT,
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'shell', parameters: { type: 'object' } } }],
      messages: [{ role: 'user', content: PADDING }],
    },
    callUsd: (10_000 * 2 + 2_000 * 8) / 1e6,
  },
  {
    name: 'Gemini',
    provider: 'gemini',
    upstream: (model) => model.geminiBaseUrl,
    path: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    headers: (key) => ({ 'x-goog-api-key': key }),
    body: {
      contents: [{ role: 'user', parts: [{ text: PADDING }] }],
      tools: [{ functionDeclarations: [{ name: 'shell' }] }],
      generationConfig: { maxOutputTokens: MAX_OUTPUT, thinkingConfig: { thinkingBudget: 0 } },
    },
    callUsd: (10_000 * 1.25 + 2_000 * 10) / 1e6,
  },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let model: ScriptedModelServer;
let proxy: ModelProxy | undefined;
beforeAll(async () => {
  model = await startScriptedModelServer({ usage: USAGE });
});
afterAll(async () => {
  await model?.close();
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  model.requests.length = 0;
});

function send(p: ModelProxy, format: Format, signal?: AbortSignal) {
  return fetch(`${p.baseUrl}${format.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...format.headers(p.dummyKey) },
    body: JSON.stringify(format.body),
    signal,
  });
}

/** The format's call with its body compressed (or otherwise encoded) by the engine. */
function sendEncoded(p: ModelProxy, format: Format, encoding: string, body: Buffer) {
  return fetch(`${p.baseUrl}${format.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': encoding,
      ...format.headers(p.dummyKey),
    },
    body: new Uint8Array(body),
  });
}

describe.each(FORMATS)('the proxy with $name', (format) => {
  async function start(maxCostUsd: number | null) {
    proxy = await startModelProxy({
      provider: format.provider,
      upstream: format.upstream(model),
      apiKey: REAL_KEY,
      limits: { maxTurns: null, maxCostUsd },
      log: { warning() {} },
    });
    return proxy;
  }

  it('holds 20 calls fired at once to the cost cap: at most one call past it, the rest refused', async () => {
    const cap = 0.25;
    const p = await start(cap);
    // Each answer takes a while, so all 20 are in the proxy at once.
    model.script(async () => {
      await sleep(150);
      return { text: 'done', stop: true };
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await send(p, format);
        await response.text();
        return response.status;
      }),
    );
    const stats = p.stats();
    const forwarded = model.requests.filter((r) => r.kind === 'agent').length;
    expect(answers.filter((status) => status === 200)).toHaveLength(forwarded);
    expect(answers.filter((status) => status === 400)).toHaveLength(20 - forwarded);
    expect(stats.calls).toBe(forwarded);
    expect(stats.refused).toBe(20 - forwarded);
    expect(stats.limit?.kind).toBe('cost');
    expect(stats.costUsd).toBeCloseTo(forwarded * format.callUsd, 9);
    expect(stats.costUsd ?? Number.POSITIVE_INFINITY).toBeGreaterThanOrEqual(cap);
    expect(stats.costUsd ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(cap + format.callUsd);
    expect(stats.waited).toBeGreaterThan(0);
  });

  it('holds the cap when each call is billed far more input than its request shows: one call, the rest refused', async () => {
    const p = await start(0.5);
    const billed = { input_tokens: 1_000_000, output_tokens: 2_000 };
    model.script(async () => {
      await sleep(150);
      return { text: 'done', stop: true, usage: billed };
    });
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await send(p, format);
        await response.text();
        return response.status;
      }),
    );
    expect(answers.filter((status) => status === 200)).toHaveLength(1);
    expect(p.stats()).toMatchObject({ calls: 1, refused: 19, limit: { kind: 'cost' } });
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(1);
  });

  it('reads a compressed call as the API would: 20 gzip calls at once hold the cap, forwarded decoded', async () => {
    const cap = 0.25;
    const p = await start(cap);
    model.script(async () => {
      await sleep(150);
      return { text: 'done', stop: true };
    });
    const zipped = gzipSync(JSON.stringify(format.body));
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await sendEncoded(p, format, 'gzip', zipped);
        await response.text();
        return response.status;
      }),
    );
    const forwarded = model.requests.filter((r) => r.kind === 'agent');
    expect(answers.filter((status) => status === 200)).toHaveLength(forwarded.length);
    expect(p.stats().costUsd ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(cap + format.callUsd);
    expect(p.stats().limit?.kind).toBe('cost');
    expect(forwarded[0]?.headers['content-encoding']).toBeUndefined();
    expect(forwarded[0]?.body).toEqual(format.body);
  });

  it('answers itself, forwarding nothing, a call whose cost it cannot bound', async () => {
    const p = await start(1);
    const plain = Buffer.from(JSON.stringify(format.body));
    const unreadable = [
      await sendEncoded(p, format, 'x-unknown', plain),
      await sendEncoded(p, format, 'gzip', plain),
      await sendEncoded(p, format, 'identity', Buffer.from('not json')),
    ];
    for (const response of unreadable) {
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('cannot be bounded');
    }
    expect(model.requests).toHaveLength(0);
    expect(p.stats()).toMatchObject({ calls: 0 });
  });

  it('counts a stream the engine hangs up on after its content came, before the usage at its end', async () => {
    const p = await start(null);
    let release = () => {};
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const content = 'streamed words '.repeat(40);
    model.script([{ text: content, stop: true, holdUsage: hold }]);
    const hangUp = new AbortController();
    const response = await send(p, format, hangUp.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    // Everything before the final usage comes at once; the content alone is this long.
    while (received.length < content.length) {
      const { value, done } = await reader.read();
      if (done) break;
      received += Buffer.from(value).toString('utf8');
    }
    hangUp.abort();
    await until(() => p.stats().estimatedCalls === 1, 'the call to be metered');
    release();
    const stats = p.stats();
    const requestBytes = Buffer.byteLength(JSON.stringify(format.body));
    // Anthropic says the input at the start of the stream; the others only at the end.
    const input =
      format.provider === 'anthropic'
        ? USAGE.input_tokens
        : Math.ceil(requestBytes / ESTIMATE_BYTES_PER_TOKEN);
    expect(stats.calls).toBe(1);
    expect(stats.tokens.input + stats.tokens.cacheRead + stats.tokens.cacheWrite).toBe(input);
    expect(stats.tokens.output).toBeGreaterThanOrEqual(Math.ceil(content.length / ESTIMATE_BYTES_PER_TOKEN));
    expect(stats.costUsd).toBeGreaterThan(0);
  });
});
