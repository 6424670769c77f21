// The key-holding proxy against the scripted model server over real HTTP, and its pure parts:
// prices, limits and the usage meter.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextCallRefused } from '../../action/src/proxy/limits.ts';
import { type ModelProxy, startModelProxy } from '../../action/src/proxy/model-proxy.ts';
import { costOf, priceOf } from '../../action/src/proxy/prices.ts';
import { createUsageMeter } from '../../action/src/proxy/usage-meter.ts';
import { type ScriptedModelServer, startScriptedModelServer } from '../sim/model/server.ts';

const REAL_KEY = 'sk-real-upstream-key-0000';

describe('prices', () => {
  it.each([
    ['claude-sonnet-4-5-20250929', 3, 15],
    ['claude-opus-4-1', 15, 75],
    ['claude-opus-4-5', 5, 25],
    ['claude-haiku-4-5', 1, 5],
    ['gpt-5-codex', 1.25, 10],
    ['gpt-5-mini', 0.25, 2],
    ['gpt-4.1', 2, 8],
    ['models/gemini-2.5-pro', 1.25, 10],
    ['gemini-2.5-flash', 0.3, 2.5],
  ])('knows %s: $%s in, $%s out per million', (model, input, output) => {
    expect(priceOf(model)).toMatchObject({ input, output });
  });

  it('has no price for a model it does not list, so its cost is unknown', () => {
    expect(priceOf('scripted-model')).toBeNull();
    expect(costOf('scripted-model', { input: 1, cacheRead: 0, cacheWrite: 0, output: 1 })).toBeNull();
  });

  it('bills cache reads and writes at their own rates', () => {
    const cost = costOf('claude-sonnet-4-5', { input: 1e6, cacheRead: 1e6, cacheWrite: 1e6, output: 1e6 });
    expect(cost).toBeCloseTo(3 + 0.3 + 3.75 + 15, 10);
  });
});

describe('limits', () => {
  it.each([
    [{ maxTurns: 3, maxCostUsd: null }, { calls: 2, costUsd: 0 }, null],
    [{ maxTurns: 3, maxCostUsd: null }, { calls: 3, costUsd: 0 }, 'turns'],
    [{ maxTurns: null, maxCostUsd: 1 }, { calls: 100, costUsd: 0.99 }, null],
    [{ maxTurns: null, maxCostUsd: 1 }, { calls: 100, costUsd: 1 }, 'cost'],
    [{ maxTurns: 10, maxCostUsd: 1 }, { calls: 10, costUsd: 2 }, 'turns'],
  ] as const)('with limits %j and use %j the next call is refused for %s', (limits, use, kind) => {
    expect(nextCallRefused(limits, use)?.kind ?? null).toBe(kind);
  });
});

describe('usage meter', () => {
  const feedInPieces = (meter: ReturnType<typeof createUsageMeter>, text: string) => {
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 7) meter.feed(bytes.subarray(i, i + 7));
    return meter.end(true);
  };

  it('reads Anthropic server-sent events split anywhere', () => {
    const events = [
      {
        type: 'message_start',
        message: {
          model: 'claude-sonnet-4-5',
          usage: {
            input_tokens: 10,
            cache_read_input_tokens: 100,
            cache_creation_input_tokens: 5,
            output_tokens: 1,
          },
        },
      },
      { type: 'content_block_delta', delta: { type: 'text_delta', text: 'héllo' } },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } },
    ];
    const text = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    expect(
      feedInPieces(createUsageMeter({ provider: 'anthropic', contentType: 'text/event-stream' }), text),
    ).toEqual({
      model: 'claude-sonnet-4-5',
      tokens: { input: 10, cacheRead: 100, cacheWrite: 5, output: 42 },
      sawUsage: true,
    });
  });

  it('reads the OpenAI Responses completed event, cached input apart', () => {
    const done = {
      type: 'response.completed',
      response: {
        model: 'gpt-5',
        usage: { input_tokens: 120, input_tokens_details: { cached_tokens: 20 }, output_tokens: 7 },
      },
    };
    const text = `event: response.created\ndata: {"type":"response.created","response":{"model":"gpt-5","usage":null}}\n\nevent: response.completed\ndata: ${JSON.stringify(done)}\n\n`;
    expect(
      feedInPieces(createUsageMeter({ provider: 'openai', contentType: 'text/event-stream' }), text),
    ).toMatchObject({
      model: 'gpt-5',
      tokens: { input: 100, cacheRead: 20, cacheWrite: 0, output: 7 },
    });
  });

  it('reads a Chat Completions JSON body and a Gemini stream', () => {
    const chat = { model: 'gpt-4.1', usage: { prompt_tokens: 9, completion_tokens: 3 } };
    expect(
      feedInPieces(
        createUsageMeter({ provider: 'openai', contentType: 'application/json' }),
        JSON.stringify(chat),
      ).tokens,
    ).toEqual({
      input: 9,
      cacheRead: 0,
      cacheWrite: 0,
      output: 3,
    });
    const chunks = [
      { candidates: [{ content: { parts: [{ text: 'a' }] } }], modelVersion: 'gemini-2.5-pro' },
      {
        candidates: [],
        usageMetadata: {
          promptTokenCount: 50,
          cachedContentTokenCount: 10,
          candidatesTokenCount: 4,
          thoughtsTokenCount: 6,
        },
      },
    ];
    const stream = chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join('');
    expect(
      feedInPieces(createUsageMeter({ provider: 'gemini', contentType: 'text/event-stream' }), stream),
    ).toMatchObject({
      model: 'gemini-2.5-pro',
      tokens: { input: 40, cacheRead: 10, cacheWrite: 0, output: 10 },
    });
  });

  it('counts nothing in an answer that is not JSON', () => {
    expect(
      feedInPieces(createUsageMeter({ provider: 'openai', contentType: 'text/html' }), '<html>').sawUsage,
    ).toBe(false);
  });
});

describe('the proxy', () => {
  let model: ScriptedModelServer;
  let proxy: ModelProxy | undefined;
  const warnings: string[] = [];
  beforeAll(async () => {
    model = await startScriptedModelServer({ usage: { input_tokens: 1000, output_tokens: 50 } });
  });
  afterAll(async () => {
    await model?.close();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    model.requests.length = 0;
    warnings.length = 0;
  });

  async function anthropicProxy(
    limits = { maxTurns: null as number | null, maxCostUsd: null as number | null },
  ) {
    proxy = await startModelProxy({
      provider: 'anthropic',
      upstream: model.anthropicBaseUrl,
      apiKey: REAL_KEY,
      limits,
      log: { warning: (m) => warnings.push(m) },
    });
    return proxy;
  }

  const message = (stream: boolean) =>
    JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      stream,
      tools: [{ name: 'Bash', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'hi' }],
    });

  const post = (p: ModelProxy, path: string, body: string, key = p.dummyKey) =>
    fetch(`${p.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body,
    });

  it('swaps the dummy key for the real one and streams the answer through unchanged', async () => {
    const p = await anthropicProxy();
    model.script([{ text: 'hello there', stop: true }]);
    const response = await post(p, '/v1/messages', message(true));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('event: message_start');
    expect(text).toContain('hello there');
    expect(model.requests).toHaveLength(1);
    expect(model.requests[0]?.apiKey).toEqual({ xApiKey: REAL_KEY });
    expect(JSON.stringify(model.requests[0]?.headers)).not.toContain(p.dummyKey);
    expect(p.stats()).toMatchObject({
      calls: 1,
      tokens: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 50 },
      models: ['claude-sonnet-4-5'],
    });
    expect(p.stats().costUsd).toBeCloseTo(0.00375, 10);
  });

  it('refuses any other key, and paths that are not model API calls', async () => {
    const p = await anthropicProxy();
    const wrong = await post(p, '/v1/messages', message(false), REAL_KEY);
    expect(wrong.status).toBe(401);
    const other = await post(p, '/v1/organizations/api_keys', '{}');
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain(
      'not a model API call',
    );
    expect(model.requests).toHaveLength(0);
  });

  it("answers the call after the turn limit itself, in the provider's error shape", async () => {
    const p = await anthropicProxy({ maxTurns: 2, maxCostUsd: null });
    model.script((request) => ({ tool_use: { name: 'Bash', input: { command: `echo ${request.turn}` } } }));
    expect((await post(p, '/v1/messages', message(false))).status).toBe(200);
    expect((await post(p, '/v1/messages', message(false))).status).toBe(200);
    const refused = await post(p, '/v1/messages', message(false));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.message).toContain('the turn limit of 2 model calls (limits.max-turns) was reached');
    expect(model.requests).toHaveLength(2);
    expect(p.stats()).toMatchObject({ calls: 2, refused: 1, limit: { kind: 'turns' } });
  });

  it('refuses, under a cost limit, a call to a model without a price: the limit could not hold for it', async () => {
    const p = await anthropicProxy({ maxTurns: null, maxCostUsd: 1 });
    model.script([{ text: 'a', stop: true }]);
    const refused = await post(
      p,
      '/v1/messages',
      message(false).replace('claude-sonnet-4-5', 'claude-opus-9'),
    );
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toContain('the model "claude-opus-9" has no price');
    expect(body.error.message).toContain('limits.max-cost-usd');
    expect(model.requests).toHaveLength(0);
    expect(p.stats()).toMatchObject({ calls: 0, refused: 1, limit: { kind: 'cost' } });
    // A priced model still goes.
    expect((await post(p, '/v1/messages', message(false))).status).toBe(200);
  });

  it('counts tokens but reports the cost unknown for a model without a price when no cost limit is set, and says so once', async () => {
    const p = await anthropicProxy({ maxTurns: null, maxCostUsd: null });
    model.script([
      { text: 'a', stop: true },
      { text: 'b', stop: true },
    ]);
    const body = message(false).replace('claude-sonnet-4-5', 'scripted-model');
    await (await post(p, '/v1/messages', body)).text();
    await (await post(p, '/v1/messages', body)).text();
    expect(p.stats()).toMatchObject({
      calls: 2,
      costUsd: null,
      unpricedModels: ['scripted-model'],
      limit: null,
    });
    expect(p.stats().tokens.output).toBe(100);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('its cost is unknown');
  });

  it("answers 502 in the provider's shape when the model API cannot be reached", async () => {
    proxy = await startModelProxy({
      provider: 'openai',
      upstream: 'http://127.0.0.1:1/v1',
      apiKey: REAL_KEY,
      limits: { maxTurns: null, maxCostUsd: null },
      log: { warning() {} },
    });
    const response = await fetch(`${proxy.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${proxy.dummyKey}` },
      body: JSON.stringify({ model: 'gpt-5', input: 'hi' }),
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      'did not answer',
    );
  });
});
