// Hostile input: what people do not see. Every hidden form in an issue or comment — reference-style
// comments, link titles, image alt text in each syntax, `<picture>`/`<source>`, HTML attributes,
// hidden elements, invisible characters and their entities — stays out of the prompt the job gets,
// and a command people cannot see (in an HTML comment, a `<pre>` or `<code>` block, a hidden
// element) never starts anything: it is not even queued.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../support/stack.ts';
import { ended, expectOnly, footprint, taskOn } from './support.ts';

const AGENT_SCRIPT = `#!/usr/bin/env bash
cp "$AGENT_PROMPT_FILE" seen-prompt.txt
`;

const SMUGGLED = [...'HIDDEN-TAGS'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
const HIDDEN_BODY = [
  'VISIBLE-START',
  '[//]: # (HIDDEN-1 reference comment)',
  '[//]: # "HIDDEN-2 reference comment"',
  '[x]: <> (HIDDEN-3 reference comment)',
  'A [link](https://example.test "HIDDEN-4 link title") here.',
  '![HIDDEN-5 alt](https://example.test/a.png "HIDDEN-6 image title")',
  '![HIDDEN-7 [nested] alt][logo] and ![HIDDEN-8 alt][]',
  '[logo]: https://example.test/logo.png "HIDDEN-9 definition title"',
  '<img alt="HIDDEN-10" title="HIDDEN-11" src="x.png">',
  '<picture><source media="HIDDEN-12" srcset="x"><img alt="HIDDEN-13" src="y"></picture>',
  '<a href="https://example.test" title="HIDDEN-14" data-note="HIDDEN-15">a link</a>',
  '<div hidden>HIDDEN-16</div><span aria-hidden="true">HIDDEN-17</span>',
  `zero&#8203;width&zwj; tags${SMUGGLED} variation\u{E0100}\u{E0101} bidi\u202E\u2066`,
  '<!-- HIDDEN-18 comment -->',
  'VISIBLE-END',
].join('\n');

describe('hidden content and hidden commands', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT_SCRIPT } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps every hidden form out of the prompt, in the issue, a comment and the request', async () => {
    const issue = await stack.issue('Hidden everywhere', HIDDEN_BODY);
    await stack.comment(issue, 'alice', HIDDEN_BODY);
    await stack.comment(issue, 'alice', `/agent do the visible task\n${HIDDEN_BODY}`);
    const done = await ended(stack, (await taskOn(stack, issue)).id);
    expect(done.state).toBe('succeeded');
    const prompt = (done.spec as { prompt: string }).prompt;
    expect(prompt.match(/VISIBLE-START/g)).toHaveLength(3);
    expect(prompt.match(/VISIBLE-END/g)).toHaveLength(3);
    expect(prompt).toContain('a link');
    expect(prompt).not.toMatch(/HIDDEN-\d+/);
    expect(prompt).not.toContain(SMUGGLED);
    expect(prompt).not.toMatch(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069]|\uDB40[\uDC00-\uDDEF]/);
  }, 90_000);

  it.each([
    ['an HTML comment', '<!--\n/agent HIDDEN-COMMAND\n-->'],
    ['an HTML comment opened mid-line', 'Thanks! <!-- note\n/agent HIDDEN-COMMAND\n-->'],
    ['a pre block', '<pre>\n/agent HIDDEN-COMMAND\n</pre>'],
    ['a code element', '<code>\n/agent HIDDEN-COMMAND\n</code>'],
    ['a hidden element', '<div hidden>\n/agent HIDDEN-COMMAND\n</div>'],
  ])(
    'never runs a command inside %s, nor queues it',
    async (_where, body) => {
      const issue = await stack.issue(`Hidden command ${Math.random()}`);
      await stack.settle();
      const before = await footprint(stack);
      await stack.comment(issue, 'alice', body);
      await stack.settle();
      expectOnly(before, await footprint(stack));
      const stored = await stack.app.pool.query(
        "SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'issue_comment' AND outcome <> 'ignored'",
      );
      const queuedBefore = stored.rows[0].n;
      await stack.comment(issue, 'alice', body);
      const after = await stack.app.pool.query(
        "SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'issue_comment' AND outcome <> 'ignored'",
      );
      expect(after.rows[0].n).toBe(queuedBefore);
    },
    60_000,
  );
});
