// The pieces of the engine phase: the engine's output in the job log, throttled progress
// events, and the proxy's count in the run's report.
import { describe, expect, it } from 'vitest';
import type { EngineRunResult } from '../../action/src/engines/engine.ts';
import type { ProxyStats } from '../../action/src/proxy/model-proxy.ts';
import { engineOutput } from '../../action/src/steps/engine-output.ts';
import { progressEvents } from '../../action/src/steps/progress-events.ts';
import { describeProxyStats, withProxyStats } from '../../action/src/steps/proxy-usage.ts';

describe('engine output', () => {
  it('joins both streams, keeps a character split across chunks whole, and ends on a new line', () => {
    const written: string[] = [];
    const output = engineOutput((text) => written.push(text));
    const e = Buffer.from('é');
    output.sink.stdout(Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]));
    output.sink.stderr(e.subarray(1));
    output.end();
    expect(written.join('')).toBe('café\n');
  });

  it('adds no newline after output that ended with one', () => {
    const written: string[] = [];
    const output = engineOutput((text) => written.push(text));
    output.sink.stdout(Buffer.from('done\n'));
    output.end();
    expect(written).toEqual(['done\n']);
  });
});

describe('progress events', () => {
  it('sends at most one every 5 s and only warns when one fails', async () => {
    let now = 0;
    const sent: (number | null | undefined)[] = [];
    const warnings: string[] = [];
    const progress = progressEvents({
      now: () => now,
      log: { warning: (m: string) => warnings.push(m) },
      api: {
        postEvent: async (event) => {
          sent.push(event.turns);
          if (event.turns === 3) throw new Error('down');
        },
      },
    });
    for (const turns of [1, 2, 3]) {
      progress.report({ type: 'progress', turns });
      now += turns === 1 ? 1000 : 5000;
    }
    await progress.settled();
    expect(sent).toEqual([1, 3]);
    expect(warnings).toEqual(['Progress not sent: down']);
  });
});

describe("the proxy's count in the report", () => {
  const stats: ProxyStats = {
    calls: 3,
    refused: 1,
    limit: { kind: 'turns', message: 'the turn limit of 3 model calls (limits.max-turns) was reached' },
    tokens: { input: 10, cacheRead: 100, cacheWrite: 5, output: 7 },
    costUsd: 0.5,
    pricedCostUsd: 0.5,
    models: ['gpt-5'],
    unpricedModels: [],
    peakInFlight: 1,
    waited: 0,
    estimatedCalls: 0,
  };
  const ran: EngineRunResult = {
    exitCode: 1,
    timedOut: false,
    usage: { turns: null, inputTokens: 2000, outputTokens: null, costUsd: null },
    summary: null,
    error: 'codex failed',
  };

  it("fills what the CLI does not report, and the proxy's limit stops the engine", () => {
    expect(withProxyStats(ran, stats)).toMatchObject({
      usage: { turns: 3, inputTokens: 2000, outputTokens: 7, costUsd: 0.5 },
      limit: stats.limit?.message,
      model: 'gpt-5',
    });
  });

  it('says what it counted in one line', () => {
    expect(describeProxyStats(stats)).toBe(
      'Model proxy: 3 model call(s), 1 refused at a limit; tokens 115 in (100 from cache), 7 out; cost $0.5000.',
    );
  });

  it('says when calls were held back or their usage estimated', () => {
    expect(describeProxyStats({ ...stats, refused: 0, waited: 4, peakInFlight: 2, estimatedCalls: 1 })).toBe(
      'Model proxy: 3 model call(s), 4 held back until calls in flight ended (at most 2 at once), 1 ended early, their usage partly estimated; tokens 115 in (100 from cache), 7 out; cost $0.5000.',
    );
  });
});
