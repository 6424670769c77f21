import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decideAppChecks } from '../../../src/core/doctor/app-checks.ts';
import { fail, ok, renderMarkdown, renderText, skip } from '../../../src/core/doctor/checks.ts';
import { decideRepoChecks, type RepoFacts } from '../../../src/core/doctor/repo-checks.ts';
import { WORKFLOW_TEMPLATE } from '../../support/system.ts';

const now = new Date('2026-12-01T12:00:00Z');
const config = {
  ok: true as const,
  mode: 'app' as const,
  publicUrl: 'https://a.example',
  webhookUrl: 'https://a.example/hook',
};
const github = {
  ok: true as const,
  slug: 'agent-dispatch',
  htmlUrl: 'https://github.com/apps/agent-dispatch',
  apiUrl: 'https://api.github.com',
};
const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000).toISOString();

describe('decideAppChecks', () => {
  const base = {
    config,
    database: { ok: true as const, applied: 3, pending: [] },
    github,
    hook: { ok: true as const, url: 'https://a.example/hook', contentType: 'json' },
    installations: { ok: true as const, count: 2 },
  };

  it('does not count a failed delivery that a redelivery has since made good, nor one older than a day', () => {
    const checks = decideAppChecks(
      {
        ...base,
        deliveries: {
          ok: true,
          recent: [
            { guid: 'a', event: 'issue_comment', statusCode: 202, deliveredAt: at(1) },
            { guid: 'a', event: 'issue_comment', statusCode: 503, deliveredAt: at(2) },
            { guid: 'b', event: 'push', statusCode: 500, deliveredAt: at(30) },
          ],
        },
      },
      now,
    );
    expect(checks.find((c) => c.name === 'Deliveries')).toEqual(
      ok('Deliveries', '1 in the last 24 h, none failed'),
    );
  });

  it.each([
    [401, /WEBHOOK_SECRET must equal/],
    [404, /where the App does not listen/],
    [0, /down, slow or restarting/],
  ])('explains a delivery that failed with %s', (statusCode, fix) => {
    const checks = decideAppChecks(
      {
        ...base,
        deliveries: {
          ok: true,
          recent: [{ guid: 'c', event: 'issue_comment', statusCode, deliveredAt: at(1) }],
        },
      },
      now,
    );
    const deliveries = checks.find((c) => c.name === 'Deliveries');
    expect(deliveries?.status).toBe('fail');
    expect(deliveries?.fix).toMatch(fix);
  });

  it('skips what depends on GitHub when the App cannot reach it', () => {
    const checks = decideAppChecks(
      { config, database: base.database, github: { ok: false, reason: 'ENOTFOUND' } },
      now,
    );
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['Configuration', 'ok'],
      ['Database', 'ok'],
      ['GitHub', 'fail'],
      ['Webhook URL', 'skip'],
      ['Deliveries', 'skip'],
    ]);
  });
});

describe('decideRepoChecks', () => {
  const facts: RepoFacts = {
    fullName: 'acme/widgets',
    installed: true,
    config: { ok: true, workflow: 'agent.yml', environment: 'agent', engines: ['claude-code'] },
    workflow: { value: { parsed: parse(WORKFLOW_TEMPLATE) } },
    environment: { value: false },
  };

  it('blocks a first task when the environment holding the engine key is missing, not for the command engine', () => {
    const withKey = decideRepoChecks(facts, { publicUrl: 'https://a.example' }).find(
      (c) => c.name === 'Environment',
    );
    expect(withKey).toMatchObject({ status: 'fail', blocking: true });
    const command = decideRepoChecks(
      { ...facts, config: { ...facts.config, engines: ['command'] } as RepoFacts['config'] },
      { publicUrl: 'https://a.example' },
    ).find((c) => c.name === 'Environment');
    expect(command).toMatchObject({ status: 'fail' });
    expect(command?.blocking).toBeUndefined();
  });

  it('blocks a workflow that sends the job to another App URL', () => {
    const literal = WORKFLOW_TEMPLATE.replaceAll(
      `$${'{{'} vars.AGENT_DISPATCH_URL }}`,
      'https://old.example',
    );
    const checks = decideRepoChecks(
      { ...facts, workflow: { value: { parsed: parse(literal) } } },
      { publicUrl: 'https://a.example' },
    );
    expect(checks.find((c) => c.name === 'App URL')).toMatchObject({ status: 'fail', blocking: true });
  });
});

describe('rendering', () => {
  const sections = [
    {
      title: 'Repository',
      checks: [
        ok('Installed', 'on acme/w'),
        fail('Workflow', 'a | b @alice', 'copy it'),
        skip('Environment', 'not checked'),
      ],
    },
  ];

  it('keeps repository text from breaking the table or mentioning anyone', () => {
    const markdown = renderMarkdown('**Doctor**', sections);
    expect(markdown).toContain('| ✗ | Workflow | a \\| b @\u200balice | copy it |');
    expect(markdown).toContain('| – | Environment | not checked |  |');
    expect(markdown).toContain('1 to fix (✗).');
  });

  it('prints the fix under each ✗ in the terminal', () => {
    expect(renderText('Doctor', sections).split('\n')).toEqual([
      'Doctor',
      '',
      'Repository',
      '  ✓ Installed    on acme/w',
      '  ✗ Workflow     a | b @alice',
      '                 fix: copy it',
      '  – Environment  not checked',
      '',
      '1 to fix (✗).',
    ]);
  });
});
