// Pure: the result the job posts, from the spec, the engine phase and the collected change,
// refusing (outcome failed, nothing of the change sent) when it is over limits.maxResultBytes.
import { resultTooLarge } from '../changes/result-size.ts';
import type { TaskResult } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { decideOutcome } from './decide-outcome.ts';
import type { EnginePhase } from './run-engine.ts';

export type ResultInput = {
  spec: TaskSpec;
  phase: EnginePhase;
  changes: TaskResult['changes'];
  patch: string;
  /** What went wrong around the engine (checkout, collection), in words. */
  failure: string | null;
  tooLarge: boolean;
};

export function buildResult(input: ResultInput): TaskResult {
  const { spec, phase } = input;
  const usage = phase.engine?.usage ?? null;
  const { outcome, error } = decideOutcome({
    engine: phase.engine,
    failure: [phase.failure, input.failure].filter((f) => f !== null).join(' ') || null,
    tooLarge: input.tooLarge,
  });
  const result: TaskResult = {
    outcome,
    changes: input.changes,
    patch: input.patch,
    report: {
      engine: spec.engine.name,
      engineVersion: phase.version,
      model: spec.engine.model ?? phase.engine?.model ?? null,
      turns: usage?.turns ?? null,
      inputTokens: usage?.inputTokens ?? null,
      outputTokens: usage?.outputTokens ?? null,
      costUsd: usage?.costUsd ?? null,
      durationMs: phase.durationMs,
      exitCode: phase.engine?.exitCode ?? null,
      summary: phase.engine?.summary ?? null,
      // A plan step hands on its engine's final message as the plan.
      plan: spec.step?.handoff === 'plan' ? (phase.engine?.summary ?? null) : null,
      error,
    },
  };
  const bytes = Buffer.byteLength(JSON.stringify(result));
  if (bytes <= spec.limits.maxResultBytes) return result;
  const refusal = resultTooLarge(bytes, spec.limits.maxResultBytes, result.changes.length).message;
  return {
    outcome: 'failed',
    changes: [],
    patch: '',
    report: { ...result.report, error: [error, refusal].filter((e) => e !== null).join(' ') },
  };
}
