import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../action/src/runner-api/task-result.ts';
import { parseTaskSpec } from '../../action/src/runner-api/task-spec.ts';
import {
  escapeCell,
  formatCost,
  formatDuration,
  renderJobSummary,
} from '../../action/src/steps/job-summary.ts';
import { specFor } from './support/runner-api-peer.ts';

const spec = parseTaskSpec(specFor(42, 'b'.repeat(40)), 42);
const result: TaskResult = {
  outcome: 'completed',
  changes: [
    { path: 'a.txt', status: 'added', mode: '100644', content: '' },
    { path: 'b.txt', status: 'deleted' },
  ],
  patch: '',
  report: {
    engine: 'command',
    engineVersion: '1.2.3',
    model: 'sonnet',
    turns: 4,
    inputTokens: 12345,
    outputTokens: 678,
    costUsd: 1.5,
    durationMs: 83_000,
    exitCode: 0,
    summary: 'Did <b>things</b> | more\nsecond line',
    error: null,
  },
};

describe('renderJobSummary', () => {
  it('tabulates task, engine, model, usage, cost, duration, files, result and pull request', () => {
    const markdown = renderJobSummary({
      spec,
      result,
      status: {
        id: 42,
        state: 'succeeded',
        prUrl: 'https://github.example/acme/widgets/pull/8',
        error: null,
      },
      postError: null,
      isolation: { isolated: true, user: 'agent-dispatch-1a2b3c4d', uid: 997, via: 'sudo', swept: [] },
    });
    expect(markdown).toContain(
      '| Engine isolation | separate user agent-dispatch-1a2b3c4d (uid 997), no sudo |',
    );
    expect(markdown).toContain(
      '| Task | #42 for [acme/widgets#7](https://github.example/acme/widgets/issues/7) |',
    );
    expect(markdown).toContain('| Engine | command 1.2.3 |');
    expect(markdown).toContain('| Model | sonnet |');
    expect(markdown).toContain('| Turns | 4 |');
    expect(markdown).toContain('| Tokens | 12,345 in, 678 out |');
    expect(markdown).toContain('| Cost | $1.50 |');
    expect(markdown).toContain('| Duration | 1 min 23 s |');
    expect(markdown).toContain('| Files changed | 2 (1 added or modified, 1 deleted) |');
    expect(markdown).toContain('| Result | completed; task succeeded |');
    expect(markdown).toContain(
      '| Pull request | [https://github.example/acme/widgets/pull/8](https://github.example/acme/widgets/pull/8) |',
    );
    expect(markdown).toContain('> Did &lt;b&gt;things&lt;/b&gt; \\| more\n> second line');
  });

  it('says plainly when the result was not delivered, and links nothing that is not a plain URL', () => {
    const markdown = renderJobSummary({
      spec: { ...spec, task: { ...spec.task, htmlUrl: 'javascript:alert(1)' } },
      result: {
        ...result,
        outcome: 'timed_out',
        report: { ...result.report, error: 'stopped at the limit' },
      },
      status: null,
      postError: 'POST …/result: the App answered 409',
      isolation: { isolated: false, reason: 'the job runs as uid 1001 without sudo' },
    });
    expect(markdown).toContain(
      '| Engine isolation | **not isolated**: the job runs as uid 1001 without sudo |',
    );
    expect(markdown).toContain('| Task | #42 for acme/widgets#7 |');
    expect(markdown).toContain('| Result | timed out; task result not delivered |');
    expect(markdown).toContain('| Pull request | — |');
    expect(markdown).toContain('**Error:** stopped at the limit');
    expect(markdown).toContain('**Error:** POST …/result: the App answered 409');
  });

  it.each([
    [0, '0 s'],
    [59_400, '59 s'],
    [60_000, '1 min 00 s'],
    [3_725_000, '62 min 05 s'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [null, '—'],
    [0.0123, '$0.0123'],
    [12.5, '$12.50'],
  ])('formats cost %s as %s', (cost, text) => {
    expect(formatCost(cost)).toBe(text);
  });

  it('keeps engine text from breaking the table or adding HTML', () => {
    expect(escapeCell('a|b\n<script>&')).toBe('a\\|b &lt;script&gt;&amp;');
  });
});
