// The key-holding proxy's decisions, without a server: which requests it forwards, who may send
// them, where they go, and when a model call is admitted.
import { brotliCompressSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../action/src/proxy/admission.ts';
import { authoriseRequest } from '../../action/src/proxy/authorise-request.ts';
import { requestHeaders, upstreamTarget } from '../../action/src/proxy/forward-request.ts';
import { decideAdmission, unpricedRefused } from '../../action/src/proxy/limits.ts';
import { routeOf } from '../../action/src/proxy/provider-routes.ts';
import { readableCall } from '../../action/src/proxy/readable-call.ts';
import {
  choicesOf,
  DEFAULT_MAX_OUTPUT_TOKENS,
  estimateCall,
  maxOutputTokens,
} from '../../action/src/proxy/request-cost.ts';
import { createUsageLedger } from '../../action/src/proxy/usage-ledger.ts';

describe('routes', () => {
  it.each([
    ['anthropic', 'POST', '/v1/messages', { kind: 'model-call', call: { model: null } }],
    ['anthropic', 'POST', '/v1/messages/count_tokens', { kind: 'free-read' }],
    ['anthropic', 'GET', '/v1/models/claude-sonnet-4-5', { kind: 'free-read' }],
    ['anthropic', 'GET', '/v1/messages', null],
    ['anthropic', 'POST', '/v1/organizations/api_keys', null],
    ['openai', 'POST', '/responses', { kind: 'model-call', call: { model: null } }],
    ['openai', 'POST', '/chat/completions', { kind: 'model-call', call: { model: null } }],
    ['openai', 'GET', '/models', { kind: 'free-read' }],
    ['openai', 'POST', '/files', null],
    [
      'gemini',
      'POST',
      '/v1beta/models/gemini-2.5-pro:streamGenerateContent',
      { kind: 'model-call', call: { model: 'gemini-2.5-pro' } },
    ],
    ['gemini', 'POST', '/v1beta/models/gemini-2.5-pro:countTokens', { kind: 'free-read' }],
    ['gemini', 'GET', '/v1beta/models', { kind: 'free-read' }],
    ['gemini', 'POST', '/v1beta/tunedModels', null],
  ] as const)('%s %s %s is %j', (provider, method, path, route) => {
    expect(routeOf(provider, method, path)).toEqual(route);
  });
});

describe('authorisation', () => {
  const door = { provider: 'gemini', dummyKey: 'agent-dispatch-proxy-dummy', prefix: '' } as const;
  const request = (path: string, headers: Record<string, string> = {}) => ({
    method: 'POST',
    url: new URL(path, 'http://proxy.invalid'),
    headers,
  });

  it('checks the key before the path', () => {
    expect(authoriseRequest(request('/v1/nothing'), door)).toMatchObject({
      ok: false,
      refusal: { status: 401 },
    });
  });

  it.each([
    ['the provider header', request('/v1beta/models/m:generateContent', { 'x-goog-api-key': door.dummyKey })],
    ['the query', request(`/v1beta/models/m:generateContent?key=${door.dummyKey}`)],
    [
      'a bearer token',
      request('/v1beta/models/m:generateContent', { authorization: `Bearer ${door.dummyKey}` }),
    ],
  ])('accepts the dummy key in %s', (_where, accepted) => {
    expect(authoriseRequest(accepted, door)).toEqual({
      ok: true,
      route: { kind: 'model-call', call: { model: 'm' } },
    });
  });

  it('refuses a path it does not forward, or one outside the prefix', () => {
    const key = { 'x-goog-api-key': door.dummyKey };
    expect(authoriseRequest(request('/v1beta/files', key), door)).toMatchObject({ refusal: { status: 403 } });
    expect(
      authoriseRequest(request('/v1beta/models/m:generateContent', key), { ...door, prefix: '/gateway' }),
    ).toMatchObject({ refusal: { status: 403 } });
  });
});

describe('forwarding', () => {
  it('keeps path and query but drops the dummy key from the query', () => {
    const target = upstreamTarget(
      'https://upstream.example',
      new URL('http://p/v1beta/models/m?key=k&alt=sse'),
    );
    expect(target.href).toBe('https://upstream.example/v1beta/models/m?alt=sse');
  });

  it('drops credentials, hop-by-hop headers and accept-encoding', () => {
    expect(
      requestHeaders({
        authorization: 'Bearer dummy',
        'x-api-key': 'dummy',
        host: 'proxy',
        connection: 'keep-alive',
        'accept-encoding': 'gzip',
        'content-type': 'application/json',
      }),
    ).toEqual({ 'content-type': 'application/json' });
  });
});

describe('admission', () => {
  it('counts admitted and refused calls and keeps the first limit hit', async () => {
    let spent = 0;
    const admission = createAdmission({ maxTurns: 2, maxCostUsd: 1 }, () => spent);
    const first = await admission.admit(0.01);
    expect(first.ok).toBe(true);
    if (first.ok) first.ticket.release();
    spent = 1;
    expect(await admission.admit(0.01)).toMatchObject({ ok: false, hit: { kind: 'cost' } });
    spent = 0;
    const second = await admission.admit(0.01);
    if (second.ok) second.ticket.release();
    expect(await admission.admit(0.01)).toMatchObject({ ok: false, hit: { kind: 'turns' } });
    expect(admission.counts()).toMatchObject({ calls: 2, refused: 2, limit: { kind: 'cost' } });
  });

  it('admits against the cost the ledger metered', async () => {
    const ledger = createUsageLedger({ warning() {} });
    const admission = createAdmission({ maxTurns: null, maxCostUsd: 0.001 }, ledger.spentUsd);
    expect((await admission.admit(0.0001)).ok).toBe(true);
    ledger.record({
      model: 'claude-sonnet-4-5',
      tokens: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 0 },
      sawUsage: true,
    });
    expect(await admission.admit(0.0001)).toMatchObject({ ok: false, hit: { kind: 'cost' } });
  });

  it('holds a call back while the worst case of the calls in flight would pass the cost limit', async () => {
    let spent = 0;
    const admission = createAdmission({ maxTurns: null, maxCostUsd: 1 }, () => spent);
    const first = await admission.admit(0.8);
    let second: unknown;
    const waiting = admission.admit(0.8).then((result) => {
      second = result;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(second).toBeUndefined();
    spent = 0.1; // the first call cost far less than its worst case
    if (first.ok) first.ticket.release();
    expect((await waiting).ok).toBe(true);
    expect(admission.counts()).toMatchObject({ calls: 2, waited: 1, peakInFlight: 1 });
  });

  it('refuses the waiting calls once the limit is reached by those that went before', async () => {
    let spent = 0;
    const admission = createAdmission({ maxTurns: null, maxCostUsd: 1 }, () => spent);
    const first = await admission.admit(0.9);
    const waiting = [admission.admit(0.9), admission.admit(0.9)];
    spent = 1.2;
    if (first.ok) first.ticket.release();
    expect(await Promise.all(waiting)).toMatchObject([
      { ok: false, hit: { kind: 'cost' } },
      { ok: false, hit: { kind: 'cost' } },
    ]);
    expect(admission.counts()).toMatchObject({ calls: 1, refused: 2 });
  });

  it('lets at most the in-flight limit through at once, and counts nothing for a caller that hung up', async () => {
    const admission = createAdmission({ maxTurns: null, maxCostUsd: null }, () => 0, 2);
    const a = await admission.admit(null);
    await admission.admit(null);
    const gone = new AbortController();
    const third = admission.admit(null, gone.signal);
    const fourth = admission.admit(null);
    gone.abort();
    expect(await third).toEqual({ ok: false, gone: true });
    if (a.ok) a.ticket.release();
    expect((await fourth).ok).toBe(true);
    expect(admission.counts()).toMatchObject({ calls: 3, refused: 0, peakInFlight: 2 });
  });

  it('a call that would be alone goes while the limit is not reached, whatever its worst case', async () => {
    const admission = createAdmission({ maxTurns: null, maxCostUsd: 0.5 }, () => 0.2);
    expect((await admission.admit(25)).ok).toBe(true);
  });
});

describe('worst case of a call', () => {
  const body = (value: unknown) => Buffer.from(JSON.stringify(value));

  it.each([
    ['anthropic', { model: 'claude-sonnet-4-5', max_tokens: 1000 }, 1000],
    ['openai', { model: 'gpt-5', max_output_tokens: 2000 }, 2000],
    ['openai', { model: 'gpt-4.1', max_completion_tokens: 300 }, 300],
    ['openai', { model: 'gpt-4.1' }, DEFAULT_MAX_OUTPUT_TOKENS],
    ['gemini', { generationConfig: { maxOutputTokens: 100, thinkingConfig: { thinkingBudget: 50 } } }, 150],
  ] as const)('%s %j allows %i output tokens', (provider, request, output) => {
    expect(maxOutputTokens(provider, request)).toBe(output);
  });

  it('prices the model’s context window as input at the dearer rate, and the most output it allows', () => {
    const request = body({ model: 'claude-haiku-4-5', max_tokens: 1000, messages: [] });
    const estimate = estimateCall('anthropic', { model: null }, request);
    expect(estimate).toMatchObject({ model: 'claude-haiku-4-5', inputTokens: 200_000, outputTokens: 1000 });
    // Haiku 4.5: $1.25 per million cache-write input tokens, $5 per million output tokens.
    expect(estimate.worstUsd).toBeCloseTo((200_000 * 1.25 + 1000 * 5) / 1e6, 12);
    // Sonnet 4.x can be asked for a 1M-token window.
    const sonnet = body({ model: 'claude-sonnet-4-5', max_tokens: 1000, messages: [] });
    expect(estimateCall('anthropic', { model: null }, sonnet).inputTokens).toBe(1_000_000);
    // A request larger than the window counts by its bytes.
    const large = body({ model: 'claude-haiku-4-5', max_tokens: 1, messages: ['x'.repeat(300_000)] });
    expect(estimateCall('anthropic', { model: null }, large).inputTokens).toBe(large.length);
  });

  it('takes Gemini’s model from the path, and has no worst case for a model without a price', () => {
    expect(estimateCall('gemini', { model: 'gemini-2.5-pro' }, body({})).model).toBe('gemini-2.5-pro');
    expect(estimateCall('openai', { model: null }, body({ model: 'scripted-model' })).worstUsd).toBeNull();
  });
});

describe('admission decisions', () => {
  const limits = { maxTurns: 10, maxCostUsd: 1 };
  it.each([
    [{ calls: 0, costUsd: 0 }, { calls: 0, reservedUsd: 0 }, 5, 'admit'],
    [{ calls: 3, costUsd: 0.2 }, { calls: 1, reservedUsd: 0.5 }, 0.2, 'admit'],
    [{ calls: 3, costUsd: 0.2 }, { calls: 1, reservedUsd: 0.5 }, 0.4, 'wait'],
    [{ calls: 3, costUsd: 0.2 }, { calls: 8, reservedUsd: 0 }, 0, 'wait'],
    [{ calls: 3, costUsd: 1 }, { calls: 0, reservedUsd: 0 }, 0, 'refuse'],
    [{ calls: 10, costUsd: 0 }, { calls: 0, reservedUsd: 0 }, 0, 'refuse'],
  ] as const)('with use %j, in flight %j and a worst case of $%s: %s', (use, inFlight, worst, expected) => {
    expect(Object.keys(decideAdmission(limits, use, inFlight, worst))[0]).toBe(expected);
  });
});

describe('what the proxy must read of a model call', () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const LIMIT = 1024 * 1024;

  it('decodes the engine’s encodings in the order they were applied, and refuses one it does not know', () => {
    const request = { model: 'gpt-5', input: 'hi' };
    const twice = brotliCompressSync(gzipSync(json(request)));
    const read = readableCall('openai', { model: null }, twice, 'gzip, br', LIMIT);
    expect(read).toEqual({ ok: true, body: json(request) });
    expect(readableCall('openai', { model: null }, zstdCompressSync(json(request)), 'zstd', LIMIT)).toEqual({
      ok: true,
      body: json(request),
    });
    for (const unknown of ['compress', 'constructor', '__proto__']) {
      expect(readableCall('openai', { model: null }, json(request), unknown, LIMIT)).toMatchObject({
        ok: false,
        message: expect.stringContaining(`"${unknown}"`),
      });
    }
  });

  it('refuses a body that decodes past the size limit (a compression bomb)', () => {
    const bomb = gzipSync(Buffer.alloc(LIMIT * 4, 32));
    expect(bomb.length).toBeLessThan(LIMIT);
    expect(readableCall('anthropic', { model: null }, bomb, 'gzip', LIMIT)).toMatchObject({ ok: false });
  });

  it.each([
    ['anthropic', { model: null }, '[1, 2]', 'not a JSON object'],
    ['anthropic', { model: null }, '{"max_tokens": 10}', 'names no model'],
    ['openai', { model: null }, '{"model": "  "}', 'names no model'],
    ['openai', { model: null }, '{"model": "gpt-5", "background": true}', 'background'],
    ['openai', { model: null }, '{"model": "gpt-5", "background": "yes"}', 'background'],
    ['openai', { model: null }, '{"model": "gpt-5", "service_tier": "priority"}', 'service tier'],
  ] as const)('refuses a %s call %s', (provider, call, body, why) => {
    expect(readableCall(provider, call, Buffer.from(body), undefined, LIMIT)).toMatchObject({
      ok: false,
      message: expect.stringContaining(why),
    });
  });

  it('takes Gemini’s model from its path, and a background: false call', () => {
    expect(
      readableCall('gemini', { model: 'gemini-2.5-pro' }, json({ contents: [] }), undefined, LIMIT).ok,
    ).toBe(true);
    expect(
      readableCall('openai', { model: null }, json({ model: 'gpt-5', background: false }), '', LIMIT).ok,
    ).toBe(true);
  });

  it('reserves the output of every answer a call asks for', () => {
    const chat = json({ model: 'gpt-4.1', max_tokens: 1000, n: 8, messages: [] });
    expect(estimateCall('openai', { model: null }, chat).outputTokens).toBe(8000);
    const gemini = json({
      generationConfig: { maxOutputTokens: 1000, candidateCount: 4, thinkingConfig: { thinkingBudget: 0 } },
    });
    expect(estimateCall('gemini', { model: 'gemini-2.5-pro' }, gemini).outputTokens).toBe(4000);
    expect(choicesOf('anthropic', { n: 8 })).toBe(1);
    expect(choicesOf('openai', { n: 0 })).toBe(1);
  });
});

describe('a model without a price', () => {
  it('is refused at once under a cost limit, and not counted as a call; goes without one', async () => {
    expect(unpricedRefused({ maxTurns: null, maxCostUsd: 2 }, null, 'o1-pro')).toMatchObject({
      kind: 'cost',
      message: expect.stringContaining('"o1-pro" has no price'),
    });
    expect(unpricedRefused({ maxTurns: null, maxCostUsd: 2 }, 0.5, 'gpt-5')).toBeNull();
    expect(unpricedRefused({ maxTurns: 10, maxCostUsd: null }, null, 'o1-pro')).toBeNull();

    const capped = createAdmission({ maxTurns: null, maxCostUsd: 2 }, () => 0);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => capped.admit(null, undefined, 'o1-pro')),
    );
    expect(answers.every((answer) => !answer.ok && 'hit' in answer)).toBe(true);
    expect(capped.counts()).toMatchObject({ calls: 0, refused: 20, limit: { kind: 'cost' } });

    const uncapped = createAdmission({ maxTurns: null, maxCostUsd: null }, () => 0);
    expect((await uncapped.admit(null, undefined, 'o1-pro')).ok).toBe(true);
  });
});
