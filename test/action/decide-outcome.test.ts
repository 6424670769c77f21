import { describe, expect, it } from 'vitest';
import type { EngineRunResult } from '../../action/src/engines/engine.ts';
import { decideOutcome } from '../../action/src/steps/decide-outcome.ts';

const ran = (overrides: Partial<EngineRunResult> = {}): EngineRunResult => ({
  exitCode: 0,
  timedOut: false,
  usage: null,
  summary: null,
  error: null,
  ...overrides,
});

describe('decideOutcome', () => {
  it.each([
    ['a clean exit', ran(), null, false, 'completed', null],
    [
      'a non-zero exit',
      ran({ exitCode: 2, error: 'The command exited with code 2.' }),
      null,
      false,
      'failed',
      'The command exited with code 2.',
    ],
    [
      'a timeout',
      ran({ exitCode: null, timedOut: true, error: 'stopped' }),
      null,
      false,
      'timed_out',
      'stopped',
    ],
    [
      'a refusal at the turn limit, whatever the engine made of it',
      ran({
        exitCode: 1,
        error: 'API Error: 400',
        limit: 'the turn limit of 3 model calls (limits.max-turns) was reached',
      }),
      null,
      false,
      'limit_reached',
      'the turn limit of 3 model calls (limits.max-turns) was reached',
    ],
    [
      'a limit the engine stopped at by itself, with a clean exit',
      ran({ limit: 'Claude Code stopped at its turn limit' }),
      null,
      false,
      'limit_reached',
      'Claude Code stopped at its turn limit',
    ],
    [
      'a timeout after a limit',
      ran({ exitCode: null, timedOut: true, error: 'stopped', limit: 'the cost limit' }),
      null,
      false,
      'timed_out',
      'stopped',
    ],
    [
      'a timeout whose change is too large',
      ran({ exitCode: null, timedOut: true, error: 'stopped' }),
      'too big',
      true,
      'failed',
      'stopped too big',
    ],
    ['a clean exit whose change could not be collected', ran(), 'git broke', false, 'failed', 'git broke'],
    ['an engine that never ran', null, 'wrong checkout', false, 'failed', 'wrong checkout'],
    ['an engine that never ran, no reason given', null, null, false, 'failed', 'The engine did not run.'],
  ] as const)('%s → %s', (_name, engine, failure, tooLarge, outcome, error) => {
    expect(decideOutcome({ engine, failure, tooLarge })).toEqual({ outcome, error });
  });
});
