import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storableJson } from '../../../src/core/text/json-scan.ts';
import { cleanJson } from '../../../src/core/text/well-formed.ts';

/** Text from every corner of UTF-16: NUL, lone surrogates, pairs, plain ASCII. */
const anyString = fc.string({ unit: 'binary' });
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(anyString, tie('value')),
  ),
})).value;

function nested(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

describe('storableJson', () => {
  it('answers what cleanJson answers, for any JSON text', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const text = JSON.stringify(value);
        const parsed = JSON.parse(text) as unknown;
        expect(storableJson(text, parsed)).toEqual(cleanJson(JSON.parse(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('returns the parsed value itself when there is nothing to clean', () => {
    const parsed = JSON.parse('{"a":["b",{"c":"😀 \\u00e9"}]}') as unknown;
    const result = storableJson('{"a":["b",{"c":"😀 \\u00e9"}]}', parsed);
    expect(result).toEqual({ ok: true, value: parsed, changed: false });
    expect((result as { value: unknown }).value).toBe(parsed);
  });

  it.each([
    ['a NUL escape', '{"a":"x\\u0000"}'],
    ['a lone high surrogate', '{"a":"\\ud800"}'],
    ['a lone low surrogate in a key', '{"\\uDC00":1}'],
  ])('cleans a text with %s', (_, text) => {
    expect(storableJson(text, JSON.parse(text))).toMatchObject({ ok: true, changed: true });
  });

  it.each([
    [64, true],
    [65, false],
  ])('nested %i deep: stored %s', (depth, ok) => {
    const text = nested(depth);
    expect(storableJson(text, JSON.parse(text)).ok).toBe(ok);
    expect(cleanJson(JSON.parse(text)).ok).toBe(ok);
  });
});
