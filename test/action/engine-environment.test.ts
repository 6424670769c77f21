import { describe, expect, it } from 'vitest';
import { engineBaseEnvironment } from '../../action/src/engines/engine-environment.ts';

describe('engineBaseEnvironment', () => {
  it('keeps only the allow-listed variables and locale settings', () => {
    const env = engineBaseEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      LC_CTYPE: 'C.UTF-8',
      TERM: 'dumb',
      TMPDIR: '/tmp',
      CI: 'true',
      GITHUB_WORKSPACE: '/w',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: '/t',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      ACTIONS_RUNTIME_TOKEN: 'runtime',
      ACTIONS_CACHE_URL: 'https://cache',
      GITHUB_TOKEN: 'ghs_x',
      'INPUT_APP-URL': 'https://app',
      INPUT_STEP: 'run',
      ANTHROPIC_API_KEY: 'sk-ant',
      AGENT_PROMPT: 'from the parent',
      GITHUB_EVENT_PATH: '/e.json',
      LC_: 'not a locale',
      lc_all: 'lower case',
      UNSET: undefined,
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      LC_CTYPE: 'C.UTF-8',
      TERM: 'dumb',
      TMPDIR: '/tmp',
      CI: 'true',
      GITHUB_WORKSPACE: '/w',
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: '/t',
    });
  });
});
