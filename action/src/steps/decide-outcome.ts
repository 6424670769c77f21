// Pure: what the job reports, from how the engine ended and what went wrong around it.
import type { EngineRunResult } from '../engines/engine.ts';
import type { Outcome } from '../runner-api/task-result.ts';

export type OutcomeInput = {
  /** Null when the engine never ran (bad checkout, unknown engine, failed preparation). */
  engine: EngineRunResult | null;
  /** What stopped the job before or around the engine, in words. */
  failure: string | null;
  /** The change could not be sent because it is larger than limits.maxResultBytes. */
  tooLarge: boolean;
};

export function decideOutcome(input: OutcomeInput): { outcome: Outcome; error: string | null } {
  const { engine, failure, tooLarge } = input;
  const error = [engine?.error ?? null, failure].filter((part) => part !== null).join(' ') || null;
  if (tooLarge) return { outcome: 'failed', error };
  if (engine?.timedOut) return { outcome: 'timed_out', error };
  if (engine === null) return { outcome: 'failed', error: error ?? 'The engine did not run.' };
  // Stopped at the turn or cost limit: the reason is the limit, whatever the engine said after.
  if (engine.limit)
    return { outcome: 'limit_reached', error: [engine.limit, failure].filter((e) => e !== null).join('. ') };
  if (failure !== null || engine.error !== null || engine.exitCode !== 0) {
    return { outcome: 'failed', error: error ?? `The engine exited with code ${engine.exitCode}.` };
  }
  return { outcome: 'completed', error: null };
}
