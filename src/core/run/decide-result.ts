// What a job's result does to its task. Pure: a completed change goes to publishing, a completed
// run without changes ends the task, a failure, a limit or a timeout ends it with the reason.
import type { JobResult } from '../../contract/job-result.ts';
import { errorMessage } from '../errors.ts';
import type { TaskFields, TaskUsage } from '../task/task.ts';
import type { TransitionType } from '../task/task-states.ts';

export type ResultDecision = { type: TransitionType; fields: TaskFields };

export function usageOf(result: JobResult): TaskUsage {
  const r = result.report;
  return {
    turns: r.turns,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    durationMs: r.durationMs,
    engineVersion: r.engineVersion,
    model: r.model,
  };
}

export function decideResult(result: JobResult, limits: { timeoutMinutes: number }): ResultDecision {
  const base: TaskFields = { usage: usageOf(result), costUsd: result.report.costUsd };
  const { report } = result;
  switch (result.outcome) {
    case 'completed':
      return { type: result.changes.length > 0 ? 'result_received' : 'no_changes', fields: base };
    case 'failed':
      return {
        type: 'fail',
        fields: {
          ...base,
          errorCode: 'engine_failed',
          errorMessage: errorMessage('engine_failed', { exitCode: report.exitCode, reason: report.error }),
        },
      };
    case 'limit_reached':
      return {
        type: 'fail',
        fields: {
          ...base,
          errorCode: 'limit_reached',
          errorMessage: errorMessage('limit_reached', { reason: report.error }),
        },
      };
    case 'timed_out':
      return {
        type: 'timed_out',
        fields: {
          ...base,
          errorCode: 'timed_out',
          errorMessage: errorMessage('timed_out', {
            minutes: limits.timeoutMinutes,
            files: result.changes.length,
          }),
        },
      };
  }
}
