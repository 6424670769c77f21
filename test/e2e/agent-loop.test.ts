// The /agent loop end to end: a comment in the simulator, the App with real Postgres, the
// workflow run by the simulator's runner with the bundled action and the command engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEventsInOrder, type Stack, startStack } from '../support/stack.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
echo "hello from the agent" > hello.txt
echo "prompt was $(wc -c < "$AGENT_PROMPT_FILE") bytes"
`;

describe('the /agent loop', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("turns a write user's command into one task, one run and one pull request", async () => {
    const issue = await stack.issue('Say hello', 'We need a hello.txt.');
    const firstRequest = stack.sim.requests.length;
    await stack.comment(issue, 'alice', '/agent add a hello.txt file');
    const task = await stack.waitForTask(
      (t) => t.state === 'succeeded' || t.state === 'failed',
      'the task to end',
      60_000,
    );
    await stack.settle();
    expect(task.errorMessage).toBeNull();
    expect(task.state).toBe('succeeded');

    const tasks = await stack.tasks();
    expect(tasks).toHaveLength(1);
    expect(stack.sim.runs(stack.repo.fullName)).toHaveLength(1);

    const pulls = (await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'all' })).data;
    expect(pulls).toHaveLength(1);
    const pr = pulls[0]!;
    expect(pr.html_url).toBe(task.prUrl);
    expect(pr.body).toContain(`Closes #${issue}`);
    expect(pr.head.ref).toBe(task.branch);
    expect(await stack.sim.git.readFile('acme/widgets', pr.head.ref, 'hello.txt')).toEqual(
      Buffer.from('hello from the agent\n'),
    );
    const log = await stack.sim.git.log('acme/widgets', pr.head.ref);
    expect(log[0]?.parents).toEqual([task.baseSha]);

    expect(runEventsInOrder(await stack.events(task.id))).toEqual([
      'created',
      'dispatch',
      'run_created',
      'run_started',
      'result_received',
      'published',
    ]);

    const comments = (
      await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
    ).data;
    const status = comments.filter((c) => c.body?.includes(`agent-dispatch:task=${task.id}`));
    expect(status).toHaveLength(1);
    expect(status[0]?.body).toContain('Pull request opened');
    expect(status[0]?.body).toContain(task.prUrl!);

    // The dispatch is the task's first write on GitHub; the 👀 reaction and the status comment
    // follow it (they never make the run wait).
    const writes = stack.sim.requests
      .slice(firstRequest)
      .filter((r) => r.method !== 'GET' && !r.route?.endsWith('/access_tokens'))
      .map((r) => `${r.method} ${r.route}`);
    expect(writes[0]).toBe('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches');
    expect(writes).toContain('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions');
    expect(writes).toContain('POST /repos/{owner}/{repo}/issues/{issue_number}/comments');
    expect(stack.sim.unexpectedRequests()).toEqual([]);
  }, 90_000);
});
