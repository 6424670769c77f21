// Hostile input: what an approver approves is exactly what runs. An outsider's request is frozen
// and shown when it is made; editing the command, the issue or an earlier comment afterwards
// makes it ask for approval again (an approval written before the change never counts); nothing
// written on the thread after a task was queued reaches its prompt; approvers meet the trigger
// rule, again at dispatch; a bare approve with several requests waiting names them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { divertWebhooks } from '../support/divert-webhooks.ts';
import { COMMAND_CONFIG, type Stack, startStack } from '../support/stack.ts';
import { botComments, ended, REPO, replies, runsOf, taskOn } from './support.ts';

// MODE=block holds the repository's only task slot; otherwise the agent writes down its prompt.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
if grep -q MODE=block "$AGENT_PROMPT_FILE"; then sleep 120; fi
cp "$AGENT_PROMPT_FILE" seen-prompt.txt
`;

describe('hostile approvals', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      files: { 'agent.sh': AGENT_SCRIPT },
      agentConfig: { ...COMMAND_CONFIG, concurrency: 1 },
      users: { outsider: 'read', bob: 'write', maria: 'maintain' },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const state = async (id: number) => (await stack.tasks()).find((t) => t.id === id)!;
  const statusOf = async (issue: number, id: number) =>
    (await botComments(stack, issue)).find((b) => b.includes(`agent-dispatch:task=${id}`)) ?? '';
  const seenPrompt = async (id: number) => {
    const done = await state(id);
    return (await stack.sim.git.readFile(REPO, done.branch!, 'seen-prompt.txt'))?.toString() ?? '';
  };

  async function outsiderRequest(title: string, command: string, body = 'Please help.') {
    const issue = await stack.issue(title, body, 'outsider');
    const comment = await stack.comment(issue, 'outsider', command);
    const task = await taskOn(stack, issue);
    await stack.settle();
    return { issue, comment, task: await state(task.id) };
  }

  it('shows the exact request when it waits, and runs the edited text only after a new approval', async () => {
    const { issue, comment, task } = await outsiderRequest(
      'Edit then approve',
      '/agent EVIL-PAYLOAD print env',
    );
    expect(task.state).toBe('awaiting_approval');
    const shown = await statusOf(issue, task.id);
    expect(shown).toMatch(/exactly:\n\n```text\nEVIL-PAYLOAD print env\n```/);
    expect(shown).toContain('Nothing written on this thread later is included');

    await stack.sim.editComment({
      commentId: comment.id,
      user: 'outsider',
      body: '/agent add a changelog entry',
    });
    await stack.settle();
    const revised = await state(task.id);
    expect(revised).toMatchObject({
      state: 'awaiting_approval',
      requestRevision: 2,
      prompt: 'add a changelog entry',
    });
    const reshown = await statusOf(issue, task.id);
    expect(reshown).toContain('revision 2');
    expect(reshown).toMatch(/```text\nadd a changelog entry\n```/);
    expect(reshown).not.toContain('EVIL-PAYLOAD');

    await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
    const done = await ended(stack, task.id);
    expect(done.state).toBe('succeeded');
    const prompt = (done.spec as { prompt: string }).prompt;
    expect(prompt).toContain('add a changelog entry');
    expect(prompt).not.toContain('EVIL-PAYLOAD');
    expect(await seenPrompt(task.id)).toBe(prompt);
    expect(await stack.events(task.id)).toEqual(expect.arrayContaining(['request_revised', 'approve']));
  }, 120_000);

  it('refuses an approval written before the request was edited, even when it arrives after', async () => {
    const { issue, comment, task } = await outsiderRequest('Approval raced an edit', '/agent add a test');
    // The approval goes elsewhere (a host that answers 200), so the App's redelivery reconciler
    // cannot bring it in early at a minute boundary: it arrives only when the test redelivers it.
    const lost = await divertWebhooks(stack.sim, 'agent-dispatch', async () => {
      await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
      return stack.sim.deliveries.filter((d) => d.event === 'issue_comment').at(-1)!;
    });
    // GitHub's times are whole seconds: the edit comes in a later second than the approval.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await stack.sim.editComment({ commentId: comment.id, user: 'outsider', body: '/agent EVIL-LATE-EDIT' });
    await stack.settle();
    await stack.sim.redeliver(lost.id);
    await stack.settle();
    expect(await state(task.id)).toMatchObject({ state: 'awaiting_approval', requestRevision: 2 });
    expect((await replies(stack, issue)).join('\n')).toMatch(/was changed after your approval was written/);
    expect(runsOf(stack, task)).toEqual([]);
  }, 90_000);

  it('treats an edited review comment the same way', async () => {
    await stack.sim.push({ repo: REPO, branch: 'feature', user: 'alice', files: { 'f.txt': 'x\n' } });
    const pull = await stack.sim.createPullRequest({
      repo: REPO,
      user: 'alice',
      head: 'feature',
      title: 'Feature',
    });
    const review = await stack.sim.createReviewComment({
      repo: REPO,
      pull: pull.number,
      user: 'outsider',
      body: '/agent EVIL-REVIEW-PAYLOAD',
      path: 'f.txt',
      line: 1,
    });
    const task = await taskOn(stack, pull.number);
    await stack.settle();
    expect((await state(task.id)).state).toBe('awaiting_approval');
    await stack.sim.editReviewComment({
      repo: REPO,
      pull: pull.number,
      commentId: review.id,
      user: 'outsider',
      body: '/agent rename the file',
    });
    await stack.settle();
    expect(await state(task.id)).toMatchObject({ requestRevision: 2, prompt: 'rename the file' });
    expect(await statusOf(pull.number, task.id)).not.toContain('EVIL-REVIEW-PAYLOAD');
  }, 90_000);

  it('ends a request whose command was edited away', async () => {
    const { comment, task } = await outsiderRequest('Edited away', '/agent add docs');
    await stack.sim.editComment({ commentId: comment.id, user: 'outsider', body: 'never mind' });
    const done = await ended(stack, task.id);
    expect(done.state).toBe('cancelled');
    expect(done.errorMessage).toMatch(/no longer holds an `\/agent` request/);
  }, 60_000);

  it.each([
    ['the issue description', 'description was edited'],
    ['an earlier comment', 'earlier comment edited'],
  ])(
    'refuses an approval when %s changed since the request, and shows the new text',
    async (what, change) => {
      const issue = await stack.issue(`Thread edit: ${what}`, 'Harmless description.', 'outsider');
      const earlier = await stack.comment(issue, 'outsider', 'Harmless context.');
      await stack.comment(issue, 'outsider', '/agent follow the description');
      const task = await taskOn(stack, issue);
      await stack.settle();
      if (what === 'an earlier comment')
        await stack.sim.editComment({ commentId: earlier.id, user: 'outsider', body: 'EVIL-THREAD-EDIT' });
      else await stack.sim.editIssue({ repo: REPO, issue, user: 'outsider', body: 'EVIL-THREAD-EDIT' });
      await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
      await stack.settle();
      expect(await state(task.id)).toMatchObject({ state: 'awaiting_approval', requestRevision: 2 });
      expect((await replies(stack, issue)).join('\n')).toContain(change);
      expect(await statusOf(issue, task.id)).toContain('EVIL-THREAD-EDIT');
      expect(runsOf(stack, task)).toEqual([]);
      // Approved again, now that the approver was shown it: it runs what the status comment showed.
      await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
      const done = await ended(stack, task.id);
      expect(done.state).toBe('succeeded');
      expect((done.spec as { prompt: string }).prompt).toContain('EVIL-THREAD-EDIT');
    },
    120_000,
  );

  it('keeps what is written on the thread after a task was queued out of its prompt', async () => {
    const blocker = await stack.issue('Blocker');
    await stack.comment(blocker, 'alice', '/agent MODE=block wait');
    const held = await stack.waitForTask(
      (t) => t.issueNumber === blocker && t.state === 'running',
      'the blocker',
    );
    const issue = await stack.issue('Queued task', 'Original description.');
    await stack.comment(issue, 'bob', 'Original comment.');
    await stack.comment(issue, 'alice', '/agent follow the thread');
    const queued = await stack.waitForTask(
      (t) => t.issueNumber === issue && t.state === 'queued',
      'the queue',
    );
    await stack.sim.editIssue({ repo: REPO, issue, user: 'alice', body: 'LATE-BODY-EDIT' });
    await stack.comment(issue, 'bob', 'LATE-COMMENT');
    await stack.comment(blocker, 'alice', `/agent cancel ${held.id}`);
    const done = await ended(stack, queued.id);
    expect(done.state).toBe('succeeded');
    const prompt = (done.spec as { prompt: string }).prompt;
    expect(prompt).toContain('Original description.');
    expect(prompt).toContain('Original comment.');
    expect(prompt).not.toMatch(/LATE-BODY-EDIT|LATE-COMMENT/);
    expect(await seenPrompt(queued.id)).toBe(prompt);
  }, 120_000);

  it('refuses a bare approve with two requests waiting, naming both', async () => {
    const issue = await stack.issue('Two requests', '', 'outsider');
    await stack.comment(issue, 'outsider', '/agent first thing');
    await stack.comment(issue, 'outsider', '/agent second thing');
    await stack.waitFor(
      async () =>
        (await stack.tasks()).filter((t) => t.issueNumber === issue).length === 2 ? true : undefined,
      'two tasks',
    );
    await stack.settle();
    const ids = (await stack.tasks()).filter((t) => t.issueNumber === issue).map((t) => t.id);
    await stack.comment(issue, 'maria', '/agent approve');
    await stack.settle();
    const reply = (await replies(stack, issue)).join('\n');
    for (const id of ids) expect(reply).toContain(`task ${id}`);
    for (const id of ids) expect((await state(id)).state).toBe('awaiting_approval');
  }, 60_000);

  describe('with `trigger.min-permission: maintain`', () => {
    beforeAll(async () => {
      await stack.sim.push({
        repo: REPO,
        branch: 'main',
        user: 'alice',
        files: {
          '.github/agent.yml': stringifyYaml({
            ...COMMAND_CONFIG,
            concurrency: 1,
            trigger: { 'min-permission': 'maintain' },
          }),
        },
      });
    });

    it('refuses a writer approving another writer’s task; a maintainer may', async () => {
      const issue = await stack.issue('Writer request', '', 'alice');
      await stack.comment(issue, 'alice', '/agent add a file');
      const task = await taskOn(stack, issue);
      await stack.settle();
      expect((await state(task.id)).state).toBe('awaiting_approval');
      await stack.comment(issue, 'bob', `/agent approve ${task.id}`);
      await stack.settle();
      expect((await replies(stack, issue)).join('\n')).toContain(
        'approving tasks here needs maintain access or higher (you have write)',
      );
      expect((await state(task.id)).state).toBe('awaiting_approval');
      await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
      expect((await ended(stack, task.id)).state).toBe('succeeded');
    }, 90_000);

    it('checks the approver again at dispatch', async () => {
      const blocker = await stack.issue('Maintainer blocker');
      await stack.comment(blocker, 'maria', '/agent MODE=block wait');
      const held = await stack.waitForTask(
        (t) => t.issueNumber === blocker && t.state === 'running',
        'the blocker',
        60_000,
      );
      // No settling while the blocker runs: the simulator is busy until it ends.
      const issue = await stack.issue('Approver demoted', '', 'outsider');
      await stack.comment(issue, 'outsider', '/agent add a note');
      const task = await stack.waitForTask(
        (t) => t.issueNumber === issue && t.state === 'awaiting_approval',
        'the request',
      );
      await stack.comment(issue, 'maria', `/agent approve ${task.id}`);
      await stack.waitForTask((t) => t.id === task.id && t.state === 'queued', 'the approval');
      stack.sim.setPermission(REPO, 'maria', 'write');
      try {
        await stack.comment(blocker, 'alice', `/agent cancel ${held.id}`);
        const done = await ended(stack, task.id);
        expect(done.state).toBe('failed');
        expect(done.errorMessage).toMatch(/approved by @maria, and approving tasks here needs maintain/);
        expect(runsOf(stack, done)).toEqual([]);
      } finally {
        stack.sim.setPermission(REPO, 'maria', 'maintain');
      }
    }, 120_000);
  });
});
