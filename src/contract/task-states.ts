// The states a task moves through (docs/runner-api.md). Shared by the App, the action (which
// waits for a terminal state after posting its result) and the simulator.
export const TASK_STATES = [
  'awaiting_approval',
  'queued',
  'dispatched',
  'waiting_approval',
  'running',
  'publishing',
  'awaiting_plan_approval',
  'succeeded',
  'no_changes',
  'failed',
  'cancelled',
  'rejected',
  'timed_out',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const TERMINAL_STATES = [
  'succeeded',
  'no_changes',
  'failed',
  'cancelled',
  'rejected',
  'timed_out',
] as const satisfies readonly TaskState[];

export function isTerminal(state: string): boolean {
  return (TERMINAL_STATES as readonly string[]).includes(state);
}
