import { describe, expect, it } from 'vitest';
import { acceptsProgress, answerSpec, MAX_PROGRESS_EVENTS } from '../../../src/core/run/runner-rules.ts';
import { TASK_STATES } from '../../../src/core/task/task-states.ts';

const spec = { task: { id: 1 } };
const live = ['dispatched', 'waiting_approval', 'running'];

describe('the runner API rules', () => {
  it.each(TASK_STATES.map((state) => [state]))(
    'serves the spec of a %s task only while it is live',
    (state) => {
      const answer = answerSpec({ id: 1, state, spec });
      if (live.includes(state)) expect(answer).toEqual({ ok: true, spec, startsRun: state !== 'running' });
      else expect(answer.ok === false && answer.error.code).toBe('not_runnable');
    },
  );

  it('serves no spec before one was fixed', () => {
    const answer = answerSpec({ id: 1, state: 'dispatched', spec: null });
    expect(answer.ok === false && answer.error.status).toBe(409);
  });

  it.each([
    ['running', 0, undefined],
    ['running', MAX_PROGRESS_EVENTS - 1, undefined],
    ['running', MAX_PROGRESS_EVENTS, 'too_many_events'],
    ['publishing', 0, 'not_runnable'],
    ['cancelled', 0, 'not_runnable'],
  ] as const)('takes progress from a %s task with %i events: %s', (state, events, code) => {
    expect(acceptsProgress({ id: 1, state }, events)?.code).toBe(code);
  });
});
