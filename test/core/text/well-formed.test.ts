import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanJson, MAX_JSON_DEPTH, wellFormed } from '../../../src/core/text/well-formed.ts';

describe('wellFormed', () => {
  it.each([
    ['plain', 'plain'],
    ['nul\u0000byte', 'nul\uFFFDbyte'],
    ['lone \uD800 high', 'lone \uFFFD high'],
    ['lone \uDC00 low', 'lone \uFFFD low'],
    ['pair 😀 kept', 'pair 😀 kept'],
  ])('%j → %j', (input, output) => {
    expect(wellFormed(input)).toBe(output);
  });

  it('always returns well-formed text without NUL', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const out = wellFormed(text);
        expect(out.isWellFormed()).toBe(true);
        expect(out).not.toContain('\u0000');
      }),
    );
  });
});

describe('cleanJson', () => {
  it('cleans strings and keys at any depth, keeping everything else', () => {
    const input = JSON.parse(
      '{"a":"x\\u0000","b\\ud800":[1,true,null,{"c":"\\udfff"}],"__proto__":{"d":"e"}}',
    ) as unknown;
    const result = cleanJson(input);
    expect(result).toEqual({
      ok: true,
      changed: true,
      value: JSON.parse('{"a":"x\\ufffd","b\\ufffd":[1,true,null,{"c":"\\ufffd"}],"__proto__":{"d":"e"}}'),
    });
    const value = (result as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toContain('__proto__');
  });

  it('reports an unchanged payload as unchanged', () => {
    expect(cleanJson({ a: ['b', 1] })).toEqual({ ok: true, changed: false, value: { a: ['b', 1] } });
  });

  it('refuses JSON nested 100,000 deep with a reason, without overflowing the stack', () => {
    const deep = JSON.parse(`{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as unknown;
    expect(cleanJson(deep)).toEqual({
      ok: false,
      reason: `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it('always yields JSON Postgres can store', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const result = cleanJson({ value, text, [text]: text });
        expect(result.ok).toBe(true);
        const json = JSON.stringify((result as { value: unknown }).value);
        expect(json).not.toMatch(/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
      }),
    );
  });
});
