// Task states and the pure transition table. Every write to a task's state goes through
// `nextState`; the store applies it with optimistic locking and records the event.

import { isTerminal, TASK_STATES, type TaskState, TERMINAL_STATES } from '../../contract/task-states.ts';

export { isTerminal, TASK_STATES, type TaskState, TERMINAL_STATES };

/** States that hold one of the repository's concurrency slots. */
export const ACTIVE_STATES = [
  'dispatched',
  'waiting_approval',
  'running',
  'publishing',
] as const satisfies readonly TaskState[];

export const RETRYABLE_STATES = ['failed', 'cancelled', 'timed_out'] as const satisfies readonly TaskState[];

export type TransitionType =
  | 'approve' // a maintainer approved a request from someone below the bar
  | 'reject' // a maintainer rejected it, or the environment's reviewers rejected the run
  | 'dispatch' // a concurrency slot was taken; the workflow is being dispatched
  | 'gate_waiting' // the run waits for environment reviewers or a protection rule
  | 'run_started' // the job started (webhook or the action's first call)
  | 'result_received' // the action posted a change to publish
  | 'no_changes' // the action finished without changes
  | 'published' // the pull request (or follow-up commit) exists
  | 'policy_rejected' // the change (or the job's report) broke the repository's policy; nothing published
  | 'timed_out' // the engine hit the wall-time limit
  | 'fail' // anything that ends the task as failed (run failed, dispatch impossible, lost run…)
  | 'cancel' // someone cancelled
  | 'retry' // a new attempt of a failed, cancelled or timed-out task (a pipeline resumes at its failed step)
  | 'await_plan_approval' // a pipeline step handed on a plan (or another handoff) that must be approved
  | 'approve_plan' // someone approved that handoff's exact content; the next step is queued
  | 'replan' // the plan step runs again with feedback; the approval is reset
  | 'step_done'; // a pipeline step finished and handed on; the next step (a new attempt) is queued

const LIVE: readonly TaskState[] = TASK_STATES.filter((s) => !isTerminal(s));
const STARTED: readonly TaskState[] = ['dispatched', 'waiting_approval', 'running'];

/** From which states each transition is allowed, and where it goes. */
const TABLE = {
  approve: { from: ['awaiting_approval'], to: 'queued' },
  reject: {
    from: ['awaiting_approval', 'dispatched', 'waiting_approval', 'awaiting_plan_approval'],
    to: 'rejected',
  },
  dispatch: { from: ['queued'], to: 'dispatched' },
  gate_waiting: { from: ['dispatched'], to: 'waiting_approval' },
  run_started: { from: ['dispatched', 'waiting_approval'], to: 'running' },
  result_received: { from: STARTED, to: 'publishing' },
  no_changes: { from: STARTED, to: 'no_changes' },
  published: { from: ['publishing'], to: 'succeeded' },
  policy_rejected: { from: [...STARTED, 'publishing'], to: 'rejected' },
  timed_out: { from: STARTED, to: 'timed_out' },
  fail: { from: LIVE, to: 'failed' },
  cancel: { from: LIVE, to: 'cancelled' },
  retry: { from: RETRYABLE_STATES, to: 'queued' },
  await_plan_approval: { from: [...STARTED, 'publishing'], to: 'awaiting_plan_approval' },
  approve_plan: { from: ['awaiting_plan_approval'], to: 'queued' },
  replan: { from: ['awaiting_plan_approval'], to: 'queued' },
  step_done: { from: [...STARTED, 'publishing'], to: 'queued' },
} as const satisfies Record<TransitionType, { from: readonly TaskState[]; to: TaskState }>;

export type TransitionResult = { ok: true; to: TaskState } | { ok: false; reason: string };

export function nextState(from: TaskState, type: TransitionType): TransitionResult {
  const rule = TABLE[type];
  if ((rule.from as readonly TaskState[]).includes(from)) return { ok: true, to: rule.to };
  return { ok: false, reason: `cannot ${type.replace(/_/g, ' ')} a task that is ${from.replace(/_/g, ' ')}` };
}

/** The transitions a task in `state` can take (for docs and tests). */
export function allowedTransitions(state: TaskState): TransitionType[] {
  return (Object.keys(TABLE) as TransitionType[]).filter((type) => nextState(state, type).ok);
}
