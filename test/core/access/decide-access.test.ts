import { describe, expect, it } from 'vitest';
import {
  decideApproveAccess,
  decideManageAccess,
  decideRunAccess,
  decideStillAuthorized,
  dispatchRereadsPermission,
  REQUEST_PERMISSION_FRESH_MS,
  roleOf,
} from '../../../src/core/access/decide-access.ts';
import { parseRepoConfig, type RepoConfig } from '../../../src/core/repo-config/schema.ts';

function config(raw: object = {}): RepoConfig {
  const parsed = parseRepoConfig({ engine: 'command', command: 'true', ...raw });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.config;
}
const alice = { login: 'alice', id: 1, type: 'User' };
const perm = (permission: string, roleName?: string) => ({ permission, roleName });

describe('roleOf', () => {
  it.each([
    [perm('admin', 'admin'), 'admin'],
    [perm('write', 'maintain'), 'maintain'],
    [perm('write', 'write'), 'write'],
    [perm('read', 'triage'), 'triage'],
    [perm('read', 'read'), 'read'],
    [perm('write', 'custom-security-role'), 'write'],
    [perm('none'), 'none'],
    [null, 'none'],
  ])('%j → %s', (permission, role) => {
    expect(roleOf(permission)).toBe(role);
  });
});

describe('decideRunAccess', () => {
  it.each([
    ['admin', 'allow'],
    ['maintain', 'allow'],
    ['write', 'allow'],
    ['triage', 'needs_approval'],
    ['read', 'needs_approval'],
    ['none', 'needs_approval'],
  ])('a %s user → %s by default', (role, decision) => {
    expect(decideRunAccess(alice, perm(role === 'maintain' ? 'write' : role, role), config()).decision).toBe(
      decision,
    );
  });

  it('refuses users below the bar when the repository says refuse', () => {
    const result = decideRunAccess(
      alice,
      perm('read', 'read'),
      config({ trigger: { 'below-permission': 'refuse' } }),
    );
    expect(result).toEqual({
      decision: 'deny',
      role: 'read',
      reason: 'running tasks here needs write access to this repository (you have read)',
    });
  });

  it('raises the bar to maintain', () => {
    const strict = config({ trigger: { 'min-permission': 'maintain', 'below-permission': 'refuse' } });
    expect(decideRunAccess(alice, perm('write', 'write'), strict).decision).toBe('deny');
    expect(decideRunAccess(alice, perm('write', 'maintain'), strict).decision).toBe('allow');
  });

  it('limits running to the allow-listed users', () => {
    const listed = config({ trigger: { users: ['Bob'], 'below-permission': 'refuse' } });
    expect(
      decideRunAccess({ login: 'bob', id: 2, type: 'User' }, perm('write', 'write'), listed).decision,
    ).toBe('allow');
    const result = decideRunAccess(alice, perm('admin', 'admin'), listed);
    expect(result).toMatchObject({ decision: 'deny', reason: expect.stringMatching(/trigger.users/) });
  });

  it.each([
    [{ login: 'renovate[bot]', id: 9, type: 'Bot' }],
    [{ login: 'looks-human', id: 10, type: 'Bot' }],
    [{ login: 'agent-dispatch[bot]', id: 11, type: 'Bot' }],
  ])('never lets a bot start work: %j', (actor) => {
    expect(decideRunAccess(actor, perm('admin', 'admin'), config())).toMatchObject({
      decision: 'deny',
      silent: true,
    });
  });
});

describe('decideManageAccess', () => {
  it('refuses self-approval even for an admin', () => {
    expect(decideManageAccess(alice, perm('admin', 'admin'), 'approve', 1, config()).decision).toBe('deny');
  });
  it('lets a write user approve someone else', () => {
    expect(decideManageAccess(alice, perm('write', 'write'), 'approve', 2, config()).decision).toBe('allow');
  });
  it('lets a requester cancel their own task without write access', () => {
    expect(decideManageAccess(alice, perm('read', 'read'), 'cancel', 1, config()).decision).toBe('allow');
  });
  it.each(['approve', 'reject', 'retry', 'cancel'] as const)(
    'refuses %s of another user task to a read user',
    (action) => {
      expect(decideManageAccess(alice, perm('read', 'read'), action, 2, config()).decision).toBe('deny');
    },
  );
});

describe('decideApproveAccess follows the trigger rule', () => {
  const bob = { login: 'bob', id: 2, type: 'User' };
  it.each([
    // [min-permission, users, approver role, decision]
    ['write', [], 'write', 'allow'],
    ['write', [], 'triage', 'deny'],
    ['maintain', [], 'write', 'deny'],
    ['maintain', [], 'maintain', 'allow'],
    ['admin', [], 'maintain', 'deny'],
    ['admin', [], 'admin', 'allow'],
    ['write', ['carol'], 'admin', 'deny'],
    ['write', ['bob'], 'write', 'allow'],
    ['write', ['bob'], 'read', 'deny'],
  ] as const)('min-permission %s, users %j: a %s approver → %s', (min, users, role, decision) => {
    const rule = config({ trigger: { 'min-permission': min, users } });
    const permission = perm(role === 'maintain' ? 'write' : role, role);
    expect(decideApproveAccess(bob, permission, rule, 1).decision).toBe(decision);
    expect(decideManageAccess(bob, permission, 'approve', 1, rule).decision).toBe(decision);
  });

  it('says what the bar is when it refuses', () => {
    const rule = config({ trigger: { 'min-permission': 'maintain' } });
    expect(decideApproveAccess(bob, perm('write', 'write'), rule, 1)).toMatchObject({
      decision: 'deny',
      reason: 'approving tasks here needs maintain access or higher (you have write)',
    });
  });

  it('never lets the requester approve, nor a bot', () => {
    expect(decideApproveAccess(alice, perm('admin', 'admin'), config(), 1).decision).toBe('deny');
    expect(decideApproveAccess({ ...bob, type: 'Bot' }, perm('admin', 'admin'), config(), 1)).toMatchObject({
      decision: 'deny',
      silent: true,
    });
  });

  it('lets retry only those who could run the task', () => {
    const rule = config({ trigger: { 'min-permission': 'maintain' } });
    expect(decideManageAccess(bob, perm('write', 'write'), 'retry', 1, rule).decision).toBe('deny');
    expect(decideManageAccess(bob, perm('write', 'maintain'), 'retry', 1, rule).decision).toBe('allow');
  });
});

describe('decideStillAuthorized (at dispatch and at the gate)', () => {
  const maria = { login: 'maria', id: 3, type: 'User' };
  const rule = config({ trigger: { 'min-permission': 'maintain' } });
  it.each([
    [true, 'maintain', 'allow'],
    [true, 'write', 'deny'],
    [true, 'none', 'deny'],
    [false, 'maintain', 'allow'],
    [false, 'write', 'needs_approval'],
  ] as const)('approved %s, voucher now %s → %s', (approved, role, decision) => {
    const permission = role === 'none' ? null : perm('write', role);
    expect(decideStillAuthorized({ actor: maria, permission, approved }, 1, rule).decision).toBe(decision);
  });

  it('names the approver whose access went', () => {
    const result = decideStillAuthorized(
      { actor: maria, permission: perm('write', 'write'), approved: true },
      1,
      rule,
    );
    expect(result).toMatchObject({
      reason:
        'the task was approved by @maria, and approving tasks here needs maintain access or higher (they have write)',
    });
  });
});

describe('dispatchRereadsPermission', () => {
  const facts = { trigger: 'comment' as const, attempt: 1, approved: false };
  it.each([
    ['a command dispatched at once relies on its own reading', { requestAgeMs: 300 }, false],
    ['at the edge of the window', { requestAgeMs: REQUEST_PERMISSION_FRESH_MS }, false],
    [
      'a task that waited past the window reads again',
      { requestAgeMs: REQUEST_PERMISSION_FRESH_MS + 1 },
      true,
    ],
    ['a clock that went backwards reads again', { requestAgeMs: -1 }, true],
    ['an age that could not be measured reads again', { requestAgeMs: Number.NaN }, true],
    ['a second attempt reads again', { requestAgeMs: 300, attempt: 2 }, true],
    ['an approved task reads its approver', { requestAgeMs: 300, approved: true }, true],
    [
      'a scheduled task never had a command reading',
      { requestAgeMs: 300, trigger: 'schedule' as const },
      true,
    ],
  ])('%s', (_, change, rereads) => {
    expect(dispatchRereadsPermission({ ...facts, ...change })).toBe(rereads);
  });
});
