// The one escaping function, held against a real CommonMark + GFM renderer (micromark): whatever
// the text, the encoded form renders as text only — no link, image, heading, list, table cell,
// HTML or emphasis — a code span or block holds all of it, and nothing in it reads as a mention,
// a reference or a closing keyword.
import fc from 'fast-check';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { encode, quoted } from '../../../src/core/render/encode.ts';

const ZWSP = '\u200B';
const render = (markdown: string) =>
  micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
const tagsOf = (html: string) => [...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);

/** What GitHub turns into a mention, a reference, a link, or a closing keyword with a target. */
const LIVE = [
  /(?:^|[^\w`])@[A-Za-z0-9]/,
  /#\d/,
  /\bGH-\d/i,
  /\b(?:https?|ftps?):\/\//i,
  /\bwww\./i,
  /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+[\w.-]*(?:\/[\w.-]+)?#\d/i,
];

const HOSTILE = [
  '@alice',
  '@acme/security-team',
  'fixes #3',
  'closes acme/widgets#3',
  'Resolves: https://github.com/acme/widgets/issues/3',
  'GH-12',
  '![alt](https://x.test/i.png)',
  '[link](https://evil.test "title")',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<!-- hidden -->',
  '# Heading',
  '- item',
  '1. item',
  '> quote',
  '| a | b |',
  '*em* **strong** ~~del~~ _u_',
  '`code` ```fence```',
  '$x^2$',
  'www.evil.test',
  'mail@example.com',
  'ftp://files.test',
  '1) ordered',
  '===',
  '+ plus',
  '&amp; &#64;alice &lt;b&gt;',
  '\\',
  '\u202Eevil\u202C',
  '\u0000',
  '\uD800',
  '\n\n---\n',
  '[^1]: note',
  '[x]: https://x.test',
  ':+1:',
];

const hostileText = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'grapheme' }), fc.string()), {
    maxLength: 6,
  })
  .map((parts) => parts.join(' '));

describe('encode: table', () => {
  it.each([
    ['@alice please', 'inline', `\\@${ZWSP}alice please`],
    ['fixes #3', 'title', `fixes #${ZWSP}3`],
    [
      'Crash, fixes #3 and closes acme/widgets#3',
      'title',
      `Crash, fixes #${ZWSP}3 and closes acme/widgets#${ZWSP}3`,
    ],
    ['see https://x.test', 'title', `see https:${ZWSP}//x.test`],
    ['www.x.test', 'title', `www${ZWSP}.x.test`],
    ['GH-4', 'title', `GH-${ZWSP}4`],
    ['<b>bold</b>', 'inline', '\\<b\\>bold\\</b\\>'],
    ['- item', 'inline', '\\- item'],
    ['1. first', 'inline', '1\\. first'],
    ['version 2.1.3 (a-b)', 'inline', 'version 2.1.3 (a-b)'],
    ['gcp-sm://projects/p/secrets/s', 'title', 'gcp-sm://projects/p/secrets/s'],
    ['a\nb\tc', 'title', 'a b c'],
    ['half \uD800 pair', 'title', 'half \uFFFD pair'],
    ['nul\u0000byte', 'title', 'nul\uFFFDbyte'],
    ['bidi \u202Eevil', 'title', 'bidi ⟨U+202E⟩evil'],
    ['bell\u0007', 'title', 'bell⟨U+0007⟩'],
    ['zero\u200Bwidth', 'title', 'zerowidth'],
    ['a`b', 'span', '``a`b``'],
    ['`edge`', 'span', '`` `edge` ``'],
    ['', 'span', '` `'],
    ['x ```` y', 'block', '`````text\nx ```` y\n`````'],
  ] as const)('%j as %s → %j', (text, form, expected) => {
    expect(encode(text, form)).toBe(expected);
  });

  it('cuts at a code point, never half a surrogate pair', () => {
    expect(encode('😀😀😀', 'title', { max: 2 })).toBe('😀😀…');
  });
});

describe('encode: properties against a CommonMark + GFM renderer', () => {
  it('inline text renders as one paragraph of text, reading as what was written', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(encode(text, 'inline'));
        expect(tagsOf(html).filter((t) => t !== 'p')).toEqual([]);
        const shown = decode(html.replace(/<\/?p>/g, '')).trim();
        expect(shown.replaceAll(ZWSP, '')).toBe(encode(text, 'title').replaceAll(ZWSP, ''));
        for (const live of LIVE) expect(shown).not.toMatch(live);
      }),
      { numRuns: 1000 },
    );
  });

  it('inline text stays in its table cell', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(`| a | b |\n| --- | --- |\n| ${encode(text, 'inline')} | end |`);
        expect(html.match(/<td>/g)).toHaveLength(2);
        expect(html).toMatch(/<td>end<\/td>/);
      }),
      { numRuns: 500 },
    );
  });

  it('quoted lines render as a quote of text only', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(quoted(text, 5000));
        expect(tagsOf(html).filter((t) => t !== 'p' && t !== 'blockquote')).toEqual([]);
        for (const live of LIVE) expect(decode(html)).not.toMatch(live);
      }),
      { numRuns: 500 },
    );
  });

  it('inline text with code keeps its code spans and renders nothing else', () => {
    const html = render(
      encode('`acme/.github:.github/agent.yml` cannot be read; change `_extends`', 'inline-code'),
    );
    expect(html).toBe(
      '<p><code>acme/.github:.github/agent.yml</code> cannot be read; change <code>_extends</code></p>',
    );
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(`- field: ${encode(text, 'inline-code')}\n- end`);
        expect(tagsOf(html).filter((t) => !['ul', 'li', 'code'].includes(t ?? ''))).toEqual([]);
        expect(html.match(/<li>/g)).toHaveLength(2);
        expect(html).toMatch(/<li>end<\/li>/);
        const outside = decode(html.replace(/<code>[\s\S]*?<\/code>/g, ' '));
        for (const live of LIVE) expect(outside).not.toMatch(live);
      }),
      { numRuns: 1000 },
    );
  });

  it('a code span holds the whole text and nothing else', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(`before ${encode(text, 'span')} after`);
        expect(tagsOf(html)).toEqual(['p', 'code', 'code', 'p']);
        expect(html).toMatch(/^<p>before <code>[\s\S]*<\/code> after<\/p>$/);
      }),
      { numRuns: 500 },
    );
  });

  it('a code block holds the whole text, as written', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const html = render(`${encode(text, 'block')}\n\nafter`);
        expect(tagsOf(html)).toEqual(['pre', 'code', 'code', 'pre', 'p', 'p']);
        const inner = /^<pre><code class="language-text">([\s\S]*)<\/code><\/pre>/.exec(html)?.[1] ?? '';
        const expected = encode(text, 'plain').replaceAll(ZWSP, '');
        expect(decode(inner).replace(/\n$/, '')).toBe(expected.replace(/\n$/, ''));
      }),
      { numRuns: 500 },
    );
  });

  it('titles and commit text hold no mention, reference or closing keyword', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const form of ['title', 'plain'] as const)
          for (const live of LIVE) expect(encode(text, form)).not.toMatch(live);
      }),
      { numRuns: 1000 },
    );
  });

  it('never leaves a lone surrogate or a NUL, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        for (const form of ['inline', 'lines', 'span', 'block', 'title', 'plain'] as const) {
          const out = encode(text, form);
          expect(out.isWellFormed()).toBe(true);
          expect(out).not.toContain('\u0000');
        }
      }),
    );
  });
});
