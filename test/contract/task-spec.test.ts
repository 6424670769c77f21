import { describe, expect, it } from 'vitest';
import { runTitle, taskIdOfRunTitle } from '../../src/contract/run-title.ts';
import { checkTaskSpec } from '../../src/contract/task-spec.ts';
import { isTerminal, TASK_STATES, TERMINAL_STATES } from '../../src/contract/task-states.ts';
import { specFor } from '../action/support/runner-api-peer.ts';

const SHA = 'a'.repeat(40);

describe('the task spec contract', () => {
  it('accepts the spec the App builds', () => {
    expect(checkTaskSpec(specFor(42, SHA), 42)).toEqual({ ok: true, spec: specFor(42, SHA) });
  });

  it('names every field that is wrong, at once', () => {
    const spec = specFor(42, 'HEAD') as unknown as Record<string, Record<string, unknown>>;
    const broken = {
      ...spec,
      task: { ...spec.task, repositoryId: -1 },
      limits: { ...spec.limits, maxResultBytes: 'x' },
    };
    const checked = checkTaskSpec(broken, 42);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.problems).toEqual([
      expect.stringMatching(/^task\.repositoryId: /),
      expect.stringMatching(/^checkout\.sha: must be a full commit id/),
      expect.stringMatching(/^limits\.maxResultBytes: /),
    ]);
  });

  it('refuses a spec for another task', () => {
    expect(checkTaskSpec(specFor(41, SHA), 42)).toEqual({
      ok: false,
      problems: ['task.id is 41 but this job runs task 42'],
    });
  });
});

describe('the run title', () => {
  it.each([
    [runTitle(7), 7],
    ['agent task 123456', 123456],
    ['Agent task 7', undefined],
    ['agent task 07', undefined],
    ['agent task 7 ', undefined],
    ['agent task 99999999999999999', undefined],
    ['deploy', undefined],
  ])('reads %j as task %j', (title, id) => {
    expect(taskIdOfRunTitle(title)).toBe(id);
  });
});

describe('task states', () => {
  it.each(TASK_STATES.map((s) => [s, (TERMINAL_STATES as readonly string[]).includes(s)]))(
    '%s is terminal: %s',
    (state, terminal) => {
      expect(isTerminal(state)).toBe(terminal);
    },
  );

  it('treats a state it does not know as not terminal', () => {
    expect(isTerminal('archived')).toBe(false);
  });
});
