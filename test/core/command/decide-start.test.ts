import { describe, expect, it } from 'vitest';
import {
  decideStart,
  type StartFacts,
  threadWorthReadingAhead,
} from '../../../src/core/command/decide-start.ts';
import { parseRepoConfig, type RepoConfig } from '../../../src/core/repo-config/schema.ts';

function config(raw: object = {}): RepoConfig {
  const parsed = parseRepoConfig({ engine: 'command', command: 'true', ...raw });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}

const facts = (over: Partial<StartFacts> = {}): StartFacts => ({
  command: { kind: 'run', prompt: 'add a test', flags: {} },
  config: config(),
  sender: { login: 'alice', id: 1, type: 'User' },
  permission: { permission: 'write', roleName: 'write' },
  fromFork: false,
  ...over,
});

const outcome = (f: StartFacts) => {
  const d = decideStart(f);
  return d.kind === 'create'
    ? `${d.state} with ${d.engine}`
    : `${d.error.code}${d.silent ? ' (silent)' : ''}`;
};

describe('decideStart', () => {
  it.each([
    ['a writer', facts(), 'queued with command'],
    [
      'a reader',
      facts({ permission: { permission: 'read', roleName: 'read' } }),
      'awaiting_approval with command',
    ],
    ['a stranger', facts({ permission: null }), 'awaiting_approval with command'],
    [
      'a reader where outsiders are refused',
      facts({
        permission: { permission: 'read' },
        config: config({ trigger: { 'below-permission': 'refuse' } }),
      }),
      'not_permitted',
    ],
    ['a bot', facts({ sender: { login: 'ci[bot]', id: 9, type: 'Bot' } }), 'not_permitted (silent)'],
    ['a fork pull request', facts({ fromFork: true }), 'fork_pull_request'],
    [
      'a prompt over the limit',
      facts({
        command: { kind: 'run', prompt: 'x'.repeat(101), flags: {} },
        config: config({ limits: { 'max-prompt-chars': 100 } }),
      }),
      'prompt_too_long',
    ],
    [
      'an engine that is not enabled',
      facts({ command: { kind: 'run', prompt: 'p', flags: { engine: 'codex' } } }),
      'engine_not_allowed',
    ],
    [
      'an enabled engine asked for by flag',
      facts({
        command: { kind: 'run', prompt: 'p', flags: { engine: 'codex' } },
        config: config({ engines: ['command', 'codex'] }),
      }),
      'queued with codex',
    ],
  ])('%s → %s', (_who, f, expected) => {
    expect(outcome(f)).toBe(expected);
  });

  it('checks the prompt before the fork, and the fork before access', () => {
    const everything = facts({
      command: { kind: 'run', prompt: 'x'.repeat(101), flags: {} },
      config: config({ limits: { 'max-prompt-chars': 100 } }),
      fromFork: true,
      permission: null,
    });
    expect(outcome(everything)).toBe('prompt_too_long');
    expect(outcome({ ...everything, command: { kind: 'run', prompt: 'ok', flags: {} } })).toBe(
      'fork_pull_request',
    );
  });

  it('says why in the reply, naming the commenter and the limit', () => {
    const d = decideStart(
      facts({
        permission: { permission: 'read' },
        config: config({ trigger: { 'below-permission': 'refuse' } }),
      }),
    );
    expect(d.kind === 'refuse' && d.error.message).toMatch(
      /^Sorry @alice, you cannot run agent tasks here: running tasks here needs write access/,
    );
  });
});

describe('threadWorthReadingAhead', () => {
  it.each([
    [{ permission: 'admin', roleName: 'admin' }, true],
    [{ permission: 'write', roleName: 'maintain' }, true],
    [{ permission: 'write', roleName: 'write' }, true],
    [{ permission: 'write' }, true],
    [{ permission: 'read', roleName: 'triage' }, false],
    [{ permission: 'read', roleName: 'read' }, false],
    [{ permission: 'none' }, false],
    [null, false],
  ])('reads the thread ahead for %o: %s', (permission, expected) => {
    expect(threadWorthReadingAhead(permission)).toBe(expected);
  });
});
