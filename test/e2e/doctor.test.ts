// The doctor on GitHub: a repository's first `/agent` task when its setup is incomplete answers
// with the checklist instead of a task that fails later; `/agent doctor` answers maintainers with
// the matrix; once fixed, the task runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = '#!/usr/bin/env bash\nset -euo pipefail\necho "set up" > setup.txt\n';

describe('the doctor on an issue', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      // The maintainer renamed the workflow in the config but never added the file.
      agentConfig: { ...COMMAND_CONFIG, workflow: 'agents.yml' },
      users: { reader: 'read' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function replyTo(issue: number, user: string, body: string): Promise<string> {
    const before = await bot(issue);
    await stack.comment(issue, user, body);
    return stack.waitFor(async () => {
      const now = await bot(issue);
      return now.length > before.length ? now[now.length - 1] : undefined;
    }, `a reply to ${body}`);
  }

  async function bot(issue: number): Promise<string[]> {
    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return comments.filter((c) => c.user?.login === 'agent-dispatch[bot]').map((c) => c.body ?? '');
  }

  it("answers the repository's first task with the checklist, and starts no task", async () => {
    const issue = await stack.issue('First task');
    const reply = await replyTo(issue, 'alice', '/agent write setup.txt');
    expect(reply).toContain(
      'This repository is not set up for Agent Dispatch yet, so the task was not started.',
    );
    expect(reply).toContain(
      '| ✗ | Workflow | `.github/workflows/agents.yml` is not on the default branch | copy workflows-templates/agent.yml',
    );
    expect(reply).toContain('| ✓ | Environment | `agent` exists |');
    await stack.settle();
    expect(await stack.tasks()).toEqual([]);
  }, 60_000);

  it('answers /agent doctor with the matrix to people with write access only', async () => {
    const issue = await stack.issue('Doctor');
    const refused = await replyTo(issue, 'reader', '/agent doctor');
    expect(refused).toContain('`/agent doctor` answers people with write access to the repository');

    const matrix = await replyTo(issue, 'alice', '/agent doctor');
    expect(matrix).toContain('\n**Agent Dispatch doctor**\n');
    expect(matrix).toContain('**This repository (acme/widgets)**');
    expect(matrix).toContain('| ✗ | Workflow |');
    for (const name of [
      'Installed',
      '.github/agent.yml',
      'Environment',
      'Configuration',
      'Database',
      'GitHub',
      'Deliveries',
    ]) {
      expect(matrix, name).toMatch(new RegExp(`\\| ✓ \\| ${name.replace('.', '\\.')} \\|`));
    }
    expect(matrix).toContain(`| ✓ | Webhook URL | ${stack.config.publicUrl}/api/github/webhooks |`);
    expect(matrix).toContain('1 to fix (✗).');
    expect(await stack.tasks()).toEqual([]);
  }, 60_000);

  it('runs the task once the setup is fixed', async () => {
    await stack.sim.push({
      repo: 'acme/widgets',
      branch: 'main',
      user: 'alice',
      files: { '.github/agent.yml': stringifyYaml(COMMAND_CONFIG) },
    });
    const issue = await stack.issue('After the fix');
    const doctor = await replyTo(issue, 'alice', '/agent doctor');
    expect(doctor).toContain('Everything checked is in order.');
    await stack.comment(issue, 'alice', '/agent write setup.txt');
    const task = await stack.waitForTask(
      (t) => t.state === 'succeeded' || t.state === 'failed',
      'the task',
      60_000,
    );
    await stack.settle();
    expect(task.state).toBe('succeeded');
    expect(stack.sim.unexpectedRequests()).toEqual([]);
  }, 90_000);
});
