import { describe, expect, it } from 'vitest';
import { ActionError } from '../../action/src/action-error.ts';
import { parseInputs } from '../../action/src/inputs.ts';

const env = {
  INPUT_STEP: 'run',
  'INPUT_APP-URL': 'https://agent.example.com',
  'INPUT_WORKING-DIRECTORY': '.',
  GITHUB_WORKSPACE: '/home/runner/work/widgets/widgets',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
};
const event = { inputs: { task_id: '42' } };

function problems(overrides: Record<string, string | undefined>, payload: unknown): string {
  try {
    parseInputs({ ...env, ...overrides }, payload);
  } catch (error) {
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).code).toBe('bad-input');
    return (error as Error).message;
  }
  throw new Error('expected parseInputs to refuse');
}

describe('parseInputs', () => {
  it('reads the step, the App URL, the working directory and the task id from the event', () => {
    expect(parseInputs(env, event)).toEqual({
      step: 'run',
      appUrl: 'https://agent.example.com',
      workingDirectory: '/home/runner/work/widgets/widgets',
      taskId: 42,
    });
  });

  it('keeps the App URL exactly as given, since it is the token audience', () => {
    expect(parseInputs({ ...env, 'INPUT_APP-URL': ' http://127.0.0.1:3000/app/ ' }, event).appUrl).toBe(
      'http://127.0.0.1:3000/app/',
    );
  });

  it.each([
    ['sub/dir', '/home/runner/work/widgets/widgets/sub/dir'],
    ['', '/home/runner/work/widgets/widgets'],
    ['/abs/path', '/abs/path'],
  ])('resolves working-directory %j against GITHUB_WORKSPACE', (value, expected) => {
    expect(parseInputs({ ...env, 'INPUT_WORKING-DIRECTORY': value }, event).workingDirectory).toBe(expected);
  });

  it('accepts a numeric task_id in the payload', () => {
    expect(parseInputs(env, { inputs: { task_id: 7 } }).taskId).toBe(7);
  });

  it.each([
    ['a missing step', { INPUT_STEP: undefined }, 'input "step" is required'],
    ['an unknown step', { INPUT_STEP: 'deploy' }, 'input "step" is "deploy": it must be "prepare" or "run"'],
    ['a missing app-url', { 'INPUT_APP-URL': '' }, 'input "app-url" is required'],
    [
      'an app-url without scheme',
      { 'INPUT_APP-URL': 'agent.example.com' },
      'input "app-url" is "agent.example.com"',
    ],
    ['an ftp app-url', { 'INPUT_APP-URL': 'ftp://agent.example.com' }, 'must be an http(s) URL'],
    [
      'an app-url with credentials',
      { 'INPUT_APP-URL': 'https://user:pw@agent.example.com' },
      'must be an http(s) URL',
    ],
    ['another event', { GITHUB_EVENT_NAME: 'issue_comment' }, 'started by "issue_comment"'],
  ])('refuses %s, naming the input', (_label, overrides, message) => {
    expect(problems(overrides, event)).toContain(message);
  });

  it.each([['0'], ['-1'], ['1.5'], ['42abc'], ['1e3'], [' '], ['99999999999999999'], ['']])(
    'refuses task_id %j',
    (taskId) => {
      expect(problems({}, { inputs: { task_id: taskId } })).toContain('"task_id"');
    },
  );

  it('refuses an event without task_id, saying where it looked', () => {
    expect(problems({}, { inputs: {} })).toContain('GITHUB_EVENT_PATH → inputs.task_id');
    expect(problems({}, undefined)).toContain('has no "task_id" input');
  });

  it('reports every problem at once', () => {
    const message = problems({ INPUT_STEP: 'nope', 'INPUT_APP-URL': '' }, { inputs: { task_id: 'x' } });
    expect(message.split('\n')).toHaveLength(3);
  });
});
