// The key-holding proxy's decisions, without a server: which requests it forwards, who may send
// them, where they go, and when a model call is admitted.
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../action/src/proxy/admission.ts';
import { authoriseRequest } from '../../action/src/proxy/authorise-request.ts';
import { requestHeaders, upstreamTarget } from '../../action/src/proxy/forward-request.ts';
import { routeOf } from '../../action/src/proxy/provider-routes.ts';
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
  it('counts admitted and refused calls and keeps the first limit hit', () => {
    let spent = 0;
    const admission = createAdmission({ maxTurns: 2, maxCostUsd: 1 }, () => spent);
    expect(admission.admit()).toBeNull();
    spent = 1;
    expect(admission.admit()?.kind).toBe('cost');
    spent = 0;
    expect(admission.admit()).toBeNull();
    expect(admission.admit()?.kind).toBe('turns');
    expect(admission.counts()).toMatchObject({ calls: 2, refused: 2, limit: { kind: 'cost' } });
  });

  it('admits against the cost the ledger metered', () => {
    const ledger = createUsageLedger({ warning() {} });
    const admission = createAdmission({ maxTurns: null, maxCostUsd: 0.001 }, ledger.spentUsd);
    expect(admission.admit()).toBeNull();
    ledger.record({
      model: 'claude-sonnet-4-5',
      tokens: { input: 1000, cacheRead: 0, cacheWrite: 0, output: 0 },
      sawUsage: true,
    });
    expect(admission.admit()?.kind).toBe('cost');
  });
});
