import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  isTerminal,
  nextState,
  TASK_STATES,
  type TaskState,
  TERMINAL_STATES,
  type TransitionType,
} from '../../../src/core/task/task-states.ts';

describe('task transitions', () => {
  it.each<[TaskState, TransitionType, TaskState]>([
    ['awaiting_approval', 'approve', 'queued'],
    ['awaiting_approval', 'reject', 'rejected'],
    ['queued', 'dispatch', 'dispatched'],
    ['dispatched', 'gate_waiting', 'waiting_approval'],
    ['dispatched', 'run_started', 'running'],
    ['waiting_approval', 'run_started', 'running'],
    ['waiting_approval', 'reject', 'rejected'],
    ['running', 'result_received', 'publishing'],
    ['dispatched', 'result_received', 'publishing'],
    ['running', 'no_changes', 'no_changes'],
    ['publishing', 'published', 'succeeded'],
    ['publishing', 'policy_rejected', 'rejected'],
    ['running', 'policy_rejected', 'rejected'],
    ['running', 'timed_out', 'timed_out'],
    ['running', 'fail', 'failed'],
    ['publishing', 'fail', 'failed'],
    ['queued', 'cancel', 'cancelled'],
    ['running', 'cancel', 'cancelled'],
    ['failed', 'retry', 'queued'],
    ['cancelled', 'retry', 'queued'],
    ['timed_out', 'retry', 'queued'],
  ])('%s --%s--> %s', (from, type, to) => {
    expect(nextState(from, type)).toEqual({ ok: true, to });
  });

  it.each<[TaskState, TransitionType]>([
    ['queued', 'approve'],
    ['running', 'dispatch'],
    ['running', 'gate_waiting'],
    ['queued', 'result_received'],
    ['publishing', 'result_received'],
    ['succeeded', 'cancel'],
    ['succeeded', 'retry'],
    ['no_changes', 'retry'],
    ['rejected', 'retry'],
    ['running', 'retry'],
    ['cancelled', 'fail'],
    ['running', 'published'],
  ])('refuses %s --%s-->', (from, type) => {
    const result = nextState(from, type);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^cannot /);
  });

  it('lets nothing leave a terminal state except a retry', () => {
    for (const state of TERMINAL_STATES) {
      expect(allowedTransitions(state).filter((t) => t !== 'retry')).toEqual([]);
    }
  });

  it('lets every live state be cancelled and failed', () => {
    for (const state of TASK_STATES.filter((s) => !isTerminal(s))) {
      expect(allowedTransitions(state)).toEqual(expect.arrayContaining(['cancel', 'fail']));
    }
  });

  it('reaches every state from awaiting_approval or queued', () => {
    const seen = new Set<TaskState>(['awaiting_approval', 'queued']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const from of [...seen]) {
        for (const type of allowedTransitions(from)) {
          const result = nextState(from, type);
          if (result.ok && !seen.has(result.to)) {
            seen.add(result.to);
            grew = true;
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...TASK_STATES].sort());
  });
});
