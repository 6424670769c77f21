// The doctor's sentences are written for Markdown; the Repositories page shows their code spans
// as <code> and everything else as escaped text, whatever the text holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeSpans } from '../../src/web/pages/format.ts';

const render = async (text: string) => String(await codeSpans(text));
const decodeEntities = (html: string) =>
  html.replace(
    /&(lt|gt|quot|#39|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!,
  );

describe('code spans on the Repositories page', () => {
  it('turns single-backtick spans into code and leaves the rest as text', async () => {
    expect(await render('add `.github/agent.yml` with `engine:`')).toBe(
      'add <code>.github/agent.yml</code> with <code>engine:</code>',
    );
    expect(await render('a lone ` backtick stays')).toBe('a lone ` backtick stays');
    expect(await render('`<script>x</script>` and <b>')).toBe(
      '<code>&lt;script&gt;x&lt;/script&gt;</code> and &lt;b&gt;',
    );
  });

  it('never lets text become markup, and loses no character but the span fences', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', '`', '<', '>', '&', '"', "'", ' ', '\n', 'é') }),
        async (text) => {
          const out = await render(text);
          const tags = out.match(/<[^>]*>/g) ?? [];
          expect(tags.every((t) => t === '<code>' || t === '</code>')).toBe(true);
          const spans = text.split(/`([^`\n]+)`/);
          expect(decodeEntities(out.replace(/<\/?code>/g, ''))).toBe(spans.join(''));
        },
      ),
      { numRuns: 500 },
    );
  });
});
