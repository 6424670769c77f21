// Hostile input: too much of it. A 65 KB prompt is refused with the limit; 200 requests in a
// minute from one user make as many tasks as the per-user limit allows, one reply says so, and
// the repository's concurrency cap holds the runs; commands that start nothing draw a bounded
// number of replies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';
import { ended, expectOnly, footprint, REPO, replies } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
echo "looked, changed nothing"
`;

describe('hostile volume', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, users: { reader: 'read' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a 65 KB prompt with the limit and starts nothing', async () => {
    const issue = await stack.issue('Huge');
    const before = await footprint(stack);
    const body = `/agent ${'please do this. '.repeat(4096)}`.slice(0, 65 * 1024);
    await stack.comment(issue, 'alice', body);
    await stack.settle();
    const said = await replies(stack, issue);
    expect(said).toHaveLength(1);
    const length = Number(
      /The task is (\d+) characters long; this repository allows 20000/.exec(said[0]!)?.[1],
    );
    expect(length).toBeGreaterThan(65_000);
    expectOnly(before, await footprint(stack), { botComments: before.botComments + 1 });
  }, 60_000);

  it('holds 200 requests in a minute from one user to the hourly limit, with one reply saying so', async () => {
    const issue = await stack.issue('Flood');
    const before = await footprint(stack);
    for (let i = 0; i < 200; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          stack.comment(issue, 'alice', `/agent look around, request ${i + j}`),
        ),
      );
    }
    const tasks = await stack.waitFor(async () => {
      const mine = (await stack.tasks()).filter((t) => t.issueNumber === issue);
      return mine.length >= 10 ? mine : undefined;
    }, 'the tasks within the limit');
    for (const task of tasks) await ended(stack, task.id, 120_000);
    await stack.settle();

    const after = (await stack.tasks()).filter((t) => t.issueNumber === issue);
    expect(after).toHaveLength(10);
    expect(after.every((t) => t.state === 'no_changes')).toBe(true);
    expect(stack.sim.runs(REPO).length - before.runs).toBe(10);
    // Never more than the repository's two task slots at once.
    expect(after.every((t) => t.dispatchedAt && t.finishedAt)).toBe(true);
    const overlap = Math.max(
      ...after.map(
        (t) =>
          after.filter(
            (o) =>
              o.dispatchedAt &&
              t.dispatchedAt &&
              o.dispatchedAt <= t.dispatchedAt &&
              o.finishedAt! > t.dispatchedAt,
          ).length,
      ),
    );
    expect(overlap).toBeLessThanOrEqual(2);
    const said = await replies(stack, issue);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('@alice, you have started 10 tasks in this repository in the last hour');
    // The App's own writes stayed under GitHub's secondary limit for content creation.
    expect(stack.sim.metrics.secondaryLimitViolations).toBe(0);
  }, 240_000);

  it('answers at most 10 of one user’s commands that start nothing in an hour, then reacts 😕', async () => {
    const issue = await stack.issue('Chatter');
    const before = await footprint(stack);
    const commands = ['/agent help', '/agent status', '/agent --engine', '/agent cancel 999999'];
    const posted: { id: number }[] = [];
    for (let i = 0; i < 16; i += 4) {
      posted.push(
        ...(await Promise.all(commands.map((body) => stack.comment(issue, 'reader', `${body}\n\n(${i})`)))),
      );
    }
    await stack.settle();

    const said = await replies(stack, issue);
    expect(said).toHaveLength(10);
    const notices = said.filter((r) => r.includes('that makes 10 replies to your commands'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /@reader, that makes 10 replies .* Until \d{4}-\d\d-\d\dT[\d:]+Z, commands of yours/,
    );
    const confused: number[] = [];
    for (const comment of posted) {
      const reactions = await stack.as('alice').reactions.listForIssueComment({
        owner: 'acme',
        repo: 'widgets',
        comment_id: comment.id,
      });
      if (reactions.data.some((r) => r.content === 'confused' && r.user?.login === 'agent-dispatch[bot]'))
        confused.push(comment.id);
    }
    expect(confused).toHaveLength(6);
    expectOnly(before, await footprint(stack), { botComments: before.botComments + 10 });

    // Another user's replies are counted apart.
    await stack.comment(issue, 'alice', '/agent help');
    await stack.settle();
    expect(await replies(stack, issue)).toHaveLength(11);
  }, 60_000);
});
