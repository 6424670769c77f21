import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/core/command/parse-command.ts';

const run = (prompt: string, flags = {}) => ({
  found: true,
  ok: true,
  command: { kind: 'run', prompt, flags },
});
const sub = (command: object) => ({ found: true, ok: true, command });

describe('parseCommand', () => {
  it.each([
    ['/agent add a README', run('add a README')],
    ['   /agent add a README', run('add a README')],
    ['/agent\tfix it', run('fix it')],
    ['Thanks!\n/agent add tests\nfor the parser', run('add tests\nfor the parser')],
    ['/agent --engine codex add tests', run('add tests', { engine: 'codex' })],
    ['/agent --engine=gemini add tests', run('add tests', { engine: 'gemini' })],
    ['/agent fix the --engine flag handling', run('fix the --engine flag handling')],
    ['/agent help me write tests', run('help me write tests')],
    ['/agent doctor the flaky test', run('doctor the flaky test')],
    ['/agent cancel the old cron job', run('cancel the old cron job')],
    ['/agent add a test\r\nthen run it', run('add a test\nthen run it')],
    ['/agent first\n/agent second', run('first\n/agent second')],
  ])('reads %j as a run command', (body, expected) => {
    expect(parseCommand(body)).toEqual(expected);
  });

  it.each([
    ['/agent status', { kind: 'status' }],
    ['/agent   help  ', { kind: 'help' }],
    ['/agent HELP', { kind: 'help' }],
    ['/agent doctor', { kind: 'doctor' }],
    ['/agent cancel', { kind: 'cancel' }],
    ['/agent cancel 12', { kind: 'cancel', taskId: 12 }],
    ['/agent cancel #12', { kind: 'cancel', taskId: 12 }],
    ['/agent retry #3', { kind: 'retry', taskId: 3 }],
    ['/agent approve', { kind: 'approve' }],
    ['/agent approve 7', { kind: 'approve', taskId: 7 }],
    ['/agent reject', { kind: 'reject' }],
    ['/agent reject 7 not in scope', { kind: 'reject', taskId: 7, reason: 'not in scope' }],
    ['Done here.\n/agent status\nthanks', { kind: 'status' }],
  ])('reads %j as a subcommand', (body, command) => {
    expect(parseCommand(body)).toEqual(sub(command));
  });

  it.each([
    ['', 'an empty comment'],
    ['Please run /agent later', 'a mention mid-line'],
    ['/agents are cool', 'a longer word'],
    ['/Agent add tests', 'another case'],
    ['    /agent add tests', 'an indented code block'],
    ['```\n/agent add tests\n```', 'a fenced code block'],
    ['~~~sh\n/agent add tests\n~~~', 'a tilde fence'],
    ['````\n```\n/agent add tests\n```\n````', 'a nested fence'],
    ['> /agent add tests', 'a quote'],
    ['  > /agent add tests', 'an indented quote'],
    ['`/agent add tests`', 'inline code'],
    ['Look:\n```js\nconst x = 1;\n/agent add tests', 'an unclosed fence'],
  ])('ignores %j (%s)', (body) => {
    expect(parseCommand(body)).toEqual({ found: false });
  });

  it.each([
    ['<!-- /agent run hidden -->', 'an inline HTML comment'],
    ['<!--\n/agent run hidden\n-->', 'a multi-line HTML comment'],
    ['text <!-- start\n/agent run hidden\n-->', 'a comment opened mid-line'],
    ['<!-- a --> <!--\n/agent run hidden\n-->', 'a second comment on the line'],
    ['<!--\nhidden\n--> /agent run after', 'text after a comment ends on its line'],
    ['<!--\n/agent run hidden', 'an unclosed comment'],
    ['<pre>\n/agent run code\n</pre>', 'a pre block'],
    ['<PRE class="x">\n/agent run code\n</PRE>', 'a pre block in capitals with attributes'],
    ['<code>\n/agent run code\n</code>', 'a code element'],
    ['<textarea>\n/agent run code\n</textarea>', 'a textarea'],
    ['<script>\n/agent run code\n</script>', 'a script element'],
    ['<div hidden>\n/agent run hidden\n</div>', 'a hidden element'],
    ['<details><summary>x</summary><div style="display:none">\n/agent run hidden\n</div>', 'display:none'],
  ])('ignores %j (%s)', (body) => {
    expect(parseCommand(body)).toEqual({ found: false });
  });

  it.each([
    ['<!-- note -->\n/agent add tests', 'add tests'],
    ['<pre>\ncode\n</pre>\n/agent add tests', 'add tests'],
    ['<pre>x</pre>\n/agent add tests', 'add tests'],
    ['```\n<!--\n```\n/agent add tests', 'add tests'],
    ['/agent fix it <!-- and more\nhidden -->', 'fix it <!-- and more\nhidden -->'],
  ])('finds the command that is visible in %j', (body, prompt) => {
    expect(parseCommand(body)).toEqual(run(prompt));
  });

  it('shows the text of a malformed flag as code that cannot be left', () => {
    const result = parseCommand('/agent --x`@alice` fix');
    expect(result).toEqual({ found: true, ok: false, error: expect.stringContaining('`` --x`@alice` ``') });
  });

  it('finds a command after a closed fence', () => {
    expect(parseCommand('```\n/agent no\n```\n/agent yes')).toEqual(run('yes'));
  });

  it.each([
    ['/agent', /has no task/],
    ['/agent   ', /has no task/],
    ['/agent --engine', /needs a value/],
    ['/agent --engine codex', /has no task/],
    ['/agent --model gpt add tests', /unknown flag `--model`/],
    ['/agent --engine Bad!Name add', /not an engine name/],
    ['/agent --engine a --engine b add', /given twice/],
  ])('reports %j as malformed', (body, error) => {
    expect(parseCommand(body)).toEqual({ found: true, ok: false, error: expect.stringMatching(error) });
  });

  it('refuses a prompt above the length limit, saying how long it is', () => {
    const result = parseCommand(`/agent ${'x'.repeat(65_000)}`, { maxPromptLength: 20_000 });
    expect(result).toEqual({
      found: true,
      ok: false,
      error: expect.stringMatching(/65000 characters long; the limit is 20000/),
    });
  });

  describe('properties', () => {
    const noCommandLine = fc.string({ unit: 'grapheme', maxLength: 300 }).filter(
      (s) =>
        !s
          .replace(/\r\n?/g, '\n')
          .split('\n')
          .some((line) => /^ {0,3}\/agent(?=$|[ \t])/.test(line)),
    );

    it('never finds a command in text without a command line', () => {
      fc.assert(
        fc.property(noCommandLine, (body) => {
          expect(parseCommand(body)).toEqual({ found: false });
        }),
      );
    });

    it('never throws and always answers one of the three shapes', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (tail) => {
          const result = parseCommand(`/agent ${tail}`);
          expect(result.found).toBe(true);
          expect(result.found && ('command' in result || 'error' in result)).toBe(true);
        }),
      );
    });

    it('keeps a plain prompt exactly (trimmed)', () => {
      const word = fc
        .stringMatching(/^[a-z]{3,10}$/)
        .filter((w) => !['status', 'cancel', 'retry', 'approve', 'reject', 'help'].includes(w));
      const prompt = fc.tuple(word, fc.string({ maxLength: 200 })).map(([w, rest]) => `${w} ${rest}`.trim());
      fc.assert(
        fc.property(prompt, (text) => {
          const expected = text.replace(/\r\n?/g, '\n').trim();
          expect(parseCommand(`/agent ${text}`)).toEqual(run(expected));
        }),
      );
    });

    it('never triggers from inside a fenced block', () => {
      fc.assert(
        fc.property(
          fc.string({ maxLength: 100 }).filter((s) => !s.includes('`') && !s.includes('~')),
          (inner) => {
            expect(parseCommand(`\`\`\`\n/agent ${inner}\n\`\`\``)).toEqual({ found: false });
          },
        ),
      );
    });
  });
});

describe('pipeline commands', () => {
  it('reads plan, run <pipeline>, replan', () => {
    expect(parseCommand('/agent plan add a cache')).toMatchObject({
      ok: true,
      command: { kind: 'run', pipeline: 'plan', prompt: 'add a cache' },
    });
    expect(parseCommand('/agent run reviewed --engine codex fix the bug')).toMatchObject({
      ok: true,
      command: { kind: 'run', pipeline: 'reviewed', prompt: 'fix the bug', flags: { engine: 'codex' } },
    });
    expect(parseCommand('/agent replan #4 use Redis instead')).toEqual({
      found: true,
      ok: true,
      command: { kind: 'replan', taskId: 4, feedback: 'use Redis instead' },
    });
    expect(parseCommand('/agent replan smaller steps')).toMatchObject({
      command: { kind: 'replan', feedback: 'smaller steps' },
    });
    expect(parseCommand('/agent schedules')).toMatchObject({ ok: true, command: { kind: 'schedules' } });
  });

  it('keeps `/agent run the tests` a plain request should no pipeline be named `the`', () => {
    const parsed = parseCommand('/agent run the tests');
    expect(parsed).toMatchObject({
      ok: true,
      command: { kind: 'run', pipeline: 'the', asPrompt: 'run the tests' },
    });
  });
});
