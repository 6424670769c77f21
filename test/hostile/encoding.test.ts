// Hostile input: everything the App writes on GitHub from people's and the agent's text is
// encoded. An issue title and an agent summary full of mentions, references, closing keywords,
// links, images, headings and HTML produce a pull request, a commit, a check run and comments in
// which none of it is live: nobody is pinged, nothing is linked or closed but the task's own issue.
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';
import { botComments, ended, REPO, replies, taskOn } from './support.ts';

const HOSTILE = [
  '@bob please look, cc @acme/security-team.',
  'Fixes #1, closes acme/widgets#1, resolves https://github.com/acme/widgets/issues/1 and GH-1.',
  '![pixel](https://evil.test/track.png) <img src="https://evil.test/i.png">',
  '# Big heading',
  '<script>alert(1)</script> <b>bold</b> [click me](https://evil.test/phish) www.evil.test',
  'mail me: someone@evil.test',
  '```',
  'break out of the fence',
].join('\n');

// The agent changes a file, reports the hostile summary, and (MODE=fail) fails with it instead.
const AGENT_SCRIPT = `#!/usr/bin/env bash
set -euo pipefail
cat > "$AGENT_SUMMARY_FILE" <<'EOF'
${HOSTILE}
EOF
echo "change" > changed.txt
`;

/** Live in what GitHub renders or parses: every hostile piece above, as written. */
const LIVE_PIECES = [
  '@bob',
  '@acme/security-team',
  '#1',
  'widgets#1',
  'https://github.com/acme/widgets/issues/1',
  'GH-1',
  'https://evil.test',
  'www.evil.test',
  'someone@evil.test',
];
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+([\w.-]+\/[\w.-]+)?#(\d+)/gi;
const render = (markdown: string) =>
  micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });

function expectInert(text: string, own: number) {
  for (const piece of LIVE_PIECES) expect(text).not.toContain(piece);
  const closing = [...text.matchAll(CLOSING)].map((m) => `${m[1] ?? ''}#${m[2]}`);
  expect(closing.filter((ref) => ref !== `#${own}`)).toEqual([]);
}

describe('hostile text shown on GitHub', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT }, users: { bob: 'write' } });
    // Issue #1 is the one the hostile text tries to close.
    await stack.issue('An unrelated issue');
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('opens a pull request, a commit and a check run in which nothing from outside is live', async () => {
    const title = 'Crash, fixes #1 and closes acme/widgets#1 @bob';
    const issue = await stack.issue(title);
    await stack.comment(issue, 'alice', `/agent fix the crash\n${HOSTILE}`);
    const task = await ended(stack, (await taskOn(stack, issue)).id);
    await stack.settle();
    expect(task.state).toBe('succeeded');

    const pull = (
      await stack.as('alice').pulls.get({ owner: 'acme', repo: 'widgets', pull_number: task.prNumber! })
    ).data;
    expectInert(pull.title, issue);
    expect(pull.title.replaceAll('\u200B', '')).toBe(`agent: ${title}`);
    const body = pull.body ?? '';
    expectInert(body, issue);
    expect([...body.matchAll(CLOSING)].map((m) => m[0])).toEqual([`Closes #${issue}`]);
    const html = render(body);
    expect(html).not.toMatch(/<img|<script|<b>|<h1|href="https:\/\/evil/);
    expect([...html.matchAll(/<h(\d)>/g)].map((m) => m[1])).toEqual(['3', '3']);

    const message = await stack.sim.git.run(REPO, ['log', '-1', '--format=%B', task.commitSha!]);
    expectInert(message, issue);

    // The pull request's one check, the review gate, carries the task's request in its summary.
    const check = [...stack.sim.core.store.checkRuns.values()].find(
      (c) => c.name === 'agent-dispatch/review' && c.headSha === task.commitSha,
    )!;
    const summary = check.output.summary ?? '';
    expect(summary).toContain(`**Agent task ${task.id}**`);
    expectInert(summary, issue);
    expect(render(summary)).not.toMatch(/<img|<script|<h1|href="https:\/\/evil/);

    const status = (await botComments(stack, issue)).find((b) =>
      b.includes(`agent-dispatch:task=${task.id}`),
    )!;
    expectInert(status, issue);
  }, 90_000);

  it('keeps each task of `/agent status` in its own table row, whatever its request', async () => {
    const issue = await stack.issue('Status table');
    await stack.comment(issue, 'alice', '/agent a | b | `c` <td>d</td> @bob #1');
    await ended(stack, (await taskOn(stack, issue)).id);
    await stack.comment(issue, 'alice', '/agent status');
    await stack.settle();
    const reply = (await replies(stack, issue)).at(-1)!;
    expectInert(reply, issue);
    const html = render(reply);
    expect(html.match(/<tr>/g)).toHaveLength(2);
    expect(html.match(/<td>/g)).toHaveLength(6);
  }, 90_000);

  it('shows a malformed command’s text as code that cannot be left', async () => {
    const issue = await stack.issue('Malformed');
    await stack.comment(issue, 'alice', '/agent --x`@bob`</code>![a](https://evil.test/x) fix');
    await stack.settle();
    const reply = (await replies(stack, issue)).at(-1)!;
    expectInert(render(reply).replace(/<code>[\s\S]*?<\/code>/g, ''), issue);
    expect(render(reply)).not.toMatch(/<img|href="https:\/\/evil/);
  }, 60_000);
});
