// Schedules follow the default branch's `.github/agent.yml`: a push that adds one teaches it to
// the App (the `push` webhook), a push to another branch does not, a push that removes it leaves
// it inactive; `/agent schedules` lists them with their next fire time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const NIGHTLY = {
  name: 'nightly-deps',
  cron: '0 3 * * 1-5',
  timezone: 'Europe/Paris',
  prompt: 'update the dependencies',
  'run-as': 'alice',
};

describe('schedules from .github/agent.yml', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': 'true\n' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const schedules = async () =>
    (await stack.app.pool.query('SELECT name, active, next_fire_at FROM schedules ORDER BY name')).rows;

  async function pushConfig(branch: string, config: Record<string, unknown>) {
    await stack.sim.push({
      repo: 'acme/widgets',
      branch,
      user: 'alice',
      files: { '.github/agent.yml': stringifyYaml(config) },
      message: 'Configure the agent',
    });
    await stack.settle();
  }

  it('learns a schedule pushed to the default branch, not one pushed elsewhere', async () => {
    expect(await schedules()).toEqual([]);
    await pushConfig('topic', { ...COMMAND_CONFIG, schedules: [NIGHTLY] });
    expect(await schedules()).toEqual([]);

    await pushConfig('main', { ...COMMAND_CONFIG, schedules: [NIGHTLY] });
    const learned = await schedules();
    expect(learned).toMatchObject([{ name: 'nightly-deps', active: true }]);
    // 03:00 in Paris is 01:00 or 02:00 UTC, plus at most five minutes of jitter.
    const next = learned[0].next_fire_at as Date;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect([1, 2]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBeLessThan(5);

    const issue = await stack.issue('Schedules');
    await stack.comment(issue, 'alice', '/agent schedules');
    await stack.settle();
    const replies = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data.filter((c) => c.user?.login === 'agent-dispatch[bot]');
    const reply = replies.map((c) => c.body ?? '').join('\n');
    expect(reply).toContain('nightly-deps');
    expect(reply).toContain('0 3 * * 1-5');
    expect(reply).toContain(next.toISOString().slice(0, 16).replace('T', ' '));
  }, 60_000);

  it('keeps a schedule removed from the file, inactive', async () => {
    await pushConfig('main', COMMAND_CONFIG);
    expect(await schedules()).toMatchObject([{ name: 'nightly-deps', active: false }]);
  }, 60_000);
});
