// Org-wide defaults end to end: `_extends: .github` in a repository's `.github/agent.yml` takes
// the organization's defaults from its `.github` repository — once the App is installed there;
// before that, the commenter is told why the configuration cannot be read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = '#!/usr/bin/env bash\nset -euo pipefail\necho "org defaults" > org.txt\n';
const ORG_DEFAULTS = { 'branch-prefix': 'org-agent/', 'pull-request': { labels: ['org-default'] } };

describe('org-wide configuration through _extends: .github', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      agentConfig: { _extends: '.github', ...COMMAND_CONFIG },
      users: { admin: 'admin' },
    });
    await stack.sim.createRepo({
      owner: 'acme',
      name: '.github',
      ownerType: 'Organization',
      files: { '.github/agent.yml': stringifyYaml(ORG_DEFAULTS) },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function replies(issue: number): Promise<string[]> {
    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    return comments.filter((c) => c.user?.login === 'agent-dispatch[bot]').map((c) => c.body ?? '');
  }

  it('tells the commenter the org defaults cannot be read while the App is not installed on acme/.github', async () => {
    const issue = await stack.issue('Org defaults, not yet');
    await stack.comment(issue, 'alice', '/agent write org.txt');
    const [reply] = await stack.waitFor(async () => {
      const found = await replies(issue);
      return found.length > 0 ? found : undefined;
    }, 'a reply');
    expect(reply).toContain('The task was not started because `.github/agent.yml` is invalid');
    expect(reply).toContain(
      '`_extends`: `acme/.github:.github/agent.yml` cannot be read: acme/.github does not exist or the App is not installed on it.',
    );
    await stack.settle();
    expect(await stack.tasks()).toEqual([]);
    // The delivery was handled (a reply), not failed.
    const failed = await stack.app.pool.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE outcome = 'failed'`,
    );
    expect(failed.rows[0].n).toBe(0);
  }, 60_000);

  it("applies the organization's defaults once the App is installed there", async () => {
    const installationId = [...stack.sim.core.store.installations.values()][0]?.id ?? 0;
    await stack.sim.changeInstallationRepos(installationId, { add: ['acme/.github'], sender: 'admin' });
    const issue = await stack.issue('Org defaults');
    await stack.comment(issue, 'alice', '/agent write org.txt');
    const task = await stack.waitForTask(
      (t) => t.state === 'succeeded' || t.state === 'failed',
      'the task',
      60_000,
    );
    await stack.settle();
    expect(task.errorMessage).toBeNull();
    expect(task.branch).toMatch(/^org-agent\//);
    const pulls = (await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'all' })).data;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.head.ref).toBe(task.branch);
    expect(pulls[0]?.labels.map((label) => label.name)).toEqual(['org-default']);
    expect(stack.sim.unexpectedRequests()).toEqual([]);
  }, 90_000);
});
