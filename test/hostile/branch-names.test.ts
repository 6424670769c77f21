// Hostile input: issue titles feed branch names. Option-like, traversing, shell, bidi and
// oversized titles all end in a safe branch made from an allow-list of characters, and git never
// runs anything they carry.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSafeBranchName } from '../../src/core/publish/branch-name.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';
import { ended, REPO, taskOn } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
echo "hello" > hello.txt
`;
const MARKER = `/tmp/agent-dispatch-upload-pack-${process.pid}-${Date.now()}`;

const TITLES: [string, string][] = [
  ['an option', `--upload-pack=touch ${MARKER}`],
  ['a traversal', '../../../../.git/hooks/../../etc/passwd'],
  ['shell syntax', 'fix; rm -rf / && echo $(id) `id` | tee x'],
  ['a right-to-left override', '\u202Egnp.exe fix the \u202Dlogo'],
  ['300 characters', `${'very long title '.repeat(19)}end`.slice(0, 300)],
];

describe('hostile branch names', () => {
  let stack: Stack;
  beforeAll(async () => {
    // All five at once: the repository's default cap of two would run them in three waves one
    // after the other, which this test (about names, not the cap) has no use for.
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      agentConfig: { ...COMMAND_CONFIG, concurrency: TITLES.length },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('publishes every task on a safe branch whatever the issue title says', async () => {
    const issues = await Promise.all(
      TITLES.map(async ([, title]) => {
        const issue = await stack.issue(title);
        await stack.comment(issue, 'alice', '/agent add hello.txt');
        return issue;
      }),
    );
    const tasks = await Promise.all(
      issues.map(async (issue) => ended(stack, (await taskOn(stack, issue)).id, 90_000)),
    );
    await stack.settle();

    const refs = (await stack.sim.git.run(REPO, ['for-each-ref', '--format=%(refname)', 'refs/']))
      .split('\n')
      .filter(Boolean);
    for (const [i, task] of tasks.entries()) {
      expect(task.state, TITLES[i]![0]).toBe('succeeded');
      expect(task.branch).toMatch(/^agent\/\d+-[a-z0-9-]{1,40}-t\d+$/);
      expect(isSafeBranchName(task.branch!)).toBe(true);
      expect(refs).toContain(`refs/heads/${task.branch}`);
    }
    expect(tasks.map((t) => t.branch)).toEqual([
      expect.stringMatching(/^agent\/\d+-upload-pack-touch-tmp-agent-dispatch-upl-t\d+$/),
      expect.stringMatching(/^agent\/\d+-git-hooks-etc-passwd-t\d+$/),
      expect.stringMatching(/^agent\/\d+-fix-rm-rf-echo-id-id-tee-x-t\d+$/),
      expect.stringMatching(/^agent\/\d+-gnp-exe-fix-the-logo-t\d+$/),
      expect.stringMatching(/^agent\/\d+-very-long-title-very-long-title-very-lon-t\d+$/),
    ]);
    // Only the default branch, the agent's branches and GitHub's pull request refs exist.
    expect(refs.filter((ref) => !/^refs\/pull\/\d+\/head$/.test(ref)).sort()).toEqual(
      ['refs/heads/main', ...tasks.map((t) => `refs/heads/${t.branch}`)].sort(),
    );
    expect(existsSync(MARKER)).toBe(false);
  }, 120_000);
});
