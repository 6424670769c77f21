// What a job's result does to its task. Pure: a completed change goes to publishing, a completed
// run without changes ends the task, a failure, a limit or a timeout ends it with the reason. A
// report holding a credential ends it rejected before any of its text is shown anywhere.
import type { JobResult } from '../../contract/job-result.ts';
import { errorMessage } from '../errors.ts';
import { credentialsIn, reportCredentials } from '../policy/scan-credentials.ts';
import type { TaskFields, TaskUsage } from '../task/task.ts';
import type { TransitionType } from '../task/task-states.ts';

export type ResultDecision = { type: TransitionType; fields: TaskFields };

/** Violations listed in the comment when a report is refused. */
const LISTED = 20;

const shown = (text: string | null) => (text !== null && credentialsIn(text).length > 0 ? null : text);

export function usageOf(result: JobResult): TaskUsage {
  const r = result.report;
  return {
    turns: r.turns,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    durationMs: r.durationMs,
    // Shown in the status comment and the check run: never a credential.
    engineVersion: shown(r.engineVersion),
    model: shown(r.model),
  };
}

export function decideResult(result: JobResult, limits: { timeoutMinutes: number }): ResultDecision {
  const base: TaskFields = { usage: usageOf(result), costUsd: result.report.costUsd };
  const { report } = result;
  const violations = reportCredentials(report);
  if (violations.length > 0) {
    return {
      type: 'policy_rejected',
      fields: {
        ...base,
        errorCode: 'policy_violation',
        errorMessage: errorMessage('policy_violation', { violations, listed: LISTED }),
      },
    };
  }
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
