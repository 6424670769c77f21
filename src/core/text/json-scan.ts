// `cleanJson` for a value parsed from a known JSON text, without its copying walk when the text
// shows there is nothing to clean: a NUL can only come from a `\u0000` escape (JSON allows no raw
// control characters) and a lone surrogate only from a `\uD800`–`\uDFFF` escape (bytes that are
// not UTF-8 decode to U+FFFD, which is well formed). The walk copies every node and costs several
// times the parse; the scan is a regular expression over the text and a count of nesting. Pure.
import { type CleanJson, cleanJson, MAX_JSON_DEPTH } from './well-formed.ts';

const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/** Whether a container lies at `maxDepth` or deeper (where cleanJson refuses), without recursion. */
function nestedTooDeep(root: unknown, maxDepth: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return true;
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * What `cleanJson(parsed)` returns, for `parsed = JSON.parse(text)`: the parsed value itself when
 * the text has no escape that could need cleaning and is not nested too deep, else cleanJson's copy.
 */
export function storableJson(text: string, parsed: unknown, maxDepth = MAX_JSON_DEPTH): CleanJson {
  if (!SUSPECT_ESCAPE.test(text) && !nestedTooDeep(parsed, maxDepth)) {
    return { ok: true, value: parsed, changed: false };
  }
  return cleanJson(parsed, maxDepth);
}
