// How an engine's run is put in words: why its process failed, and its summary cut to size.
import { describe, expect, it } from 'vitest';
import { clipSummary, processFailure } from '../../action/src/engines/engine-report.ts';
import type { ProcessTreeResult } from '../../action/src/engines/run-process-tree.ts';

const ended = (over: Partial<ProcessTreeResult>): ProcessTreeResult => ({
  exitCode: 0,
  signal: null,
  timedOut: false,
  spawnError: null,
  leftovers: 0,
  ...over,
});

describe('process failure', () => {
  it.each([
    [{}, null, null],
    [{}, 'codex failed: quota', 'codex failed: quota'],
    [{ exitCode: 2 }, null, 'codex exited with code 2.'],
    [{ exitCode: 2 }, 'codex failed: quota', 'codex failed: quota'],
    [{ exitCode: null, signal: 'SIGKILL' }, 'codex failed: quota', 'codex was ended by SIGKILL.'],
    [
      { exitCode: null, timedOut: true, signal: 'SIGTERM' },
      null,
      'codex did not finish within 1.50 minutes and was stopped.',
    ],
    [{ exitCode: null, spawnError: 'ENOENT' }, null, 'codex could not be started: ENOENT'],
  ] as const)('%j, reported %j: %j', (how, reported, words) => {
    expect(processFailure('codex', ended(how), 90_000, reported)).toBe(words);
  });

  it('says "minute" for one', () => {
    expect(processFailure('The command', ended({ timedOut: true }), 60_000)).toBe(
      'The command did not finish within 1 minute and was stopped.',
    );
  });
});

describe('summary', () => {
  it('is trimmed, cut to 4,000 characters, and null when empty', () => {
    expect(clipSummary('  done \n')).toBe('done');
    expect(clipSummary('x'.repeat(5000))).toHaveLength(4000);
    expect(clipSummary('   ')).toBeNull();
    expect(clipSummary(null)).toBeNull();
  });
});
