// What the job may do through the runner API, given its task's state. Pure.
import { AppError } from '../errors.ts';
import type { Task } from '../task/task.ts';
import type { TaskState } from '../task/task-states.ts';

/** States in which the task's run may still fetch its spec, report progress and post a result. */
export const JOB_LIVE_STATES = [
  'dispatched',
  'waiting_approval',
  'running',
] as const satisfies readonly TaskState[];

export function isJobLive(state: TaskState): boolean {
  return (JOB_LIVE_STATES as readonly TaskState[]).includes(state);
}

/** Most progress events one task may send (they become rows and status comment updates). */
export const MAX_PROGRESS_EVENTS = 500;

export type SpecAnswer =
  | { ok: true; spec: Record<string, unknown>; startsRun: boolean }
  | { ok: false; error: AppError };

/** GET …/spec: the spec of a live task; the first fetch also marks the run as started. */
export function answerSpec(task: Pick<Task, 'id' | 'state' | 'spec'>): SpecAnswer {
  if (!isJobLive(task.state) || !task.spec)
    return { ok: false, error: new AppError('not_runnable', { taskId: task.id, state: task.state }) };
  return { ok: true, spec: task.spec, startsRun: task.state !== 'running' };
}

/** POST …/events: a live task below its event limit. */
export function acceptsProgress(task: Pick<Task, 'id' | 'state'>, eventsSoFar: number): AppError | undefined {
  if (!isJobLive(task.state)) return new AppError('not_runnable', { taskId: task.id, state: task.state });
  if (eventsSoFar >= MAX_PROGRESS_EVENTS) return new AppError('too_many_events', {});
  return undefined;
}

/** POST …/transcript: events of the task's current attempt while its job is live. */
export function acceptsTranscript(
  task: Pick<Task, 'id' | 'state' | 'attempt'>,
  attempt: number,
): AppError | undefined {
  if (!isJobLive(task.state)) return new AppError('not_runnable', { taskId: task.id, state: task.state });
  if (attempt !== task.attempt)
    return new AppError('bad_request', {
      reason: `attempt: ${attempt} is not the task's current attempt (${task.attempt})`,
    });
  return undefined;
}
