// Small scanners over Markdown and inline HTML, for strip-hidden.ts: brackets with nesting and
// backslash escapes, the `(destination "title")` tail of a link or image, and HTML elements with
// their nested content. Each errs on the side of hiding more. Pure.

/** Longest span a scanner follows before giving up (the text is then left as it is). */
const MAX_SCAN = 20_000;

/** Index of the `]` closing the `[` at `open`, or -1. */
export function closingBracket(text: string, open: number, pair = '[]'): number {
  const [left, right] = [pair[0], pair[1]];
  let depth = 0;
  const end = Math.min(text.length, open + MAX_SCAN);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === left) depth++;
    else if (c === right && --depth === 0) return i;
  }
  return -1;
}

export type LinkTail = { end: number; destination: string; title?: string };

const TITLE_CLOSE: Record<string, string> = { '"': '"', "'": "'", '(': ')' };

/** Reads `(destination "title")` starting at the `(` at `open`; undefined if it is not one. */
export function linkTail(text: string, open: number): LinkTail | undefined {
  let i = open + 1;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skip();
  let destination = '';
  if (text[i] === '<') {
    const close = text.indexOf('>', i);
    if (close < 0 || text.slice(i, close).includes('\n')) return undefined;
    destination = text.slice(i, close + 1);
    i = close + 1;
  } else {
    const start = i;
    let depth = 0;
    while (i < text.length && !/\s/.test(text[i]!)) {
      if (text[i] === '\\') i++;
      else if (text[i] === '(') depth++;
      else if (text[i] === ')' && depth-- === 0) break;
      i++;
    }
    destination = text.slice(start, i);
  }
  skip();
  let title: string | undefined;
  const opener = text[i];
  if (opener && opener in TITLE_CLOSE) {
    const closer = TITLE_CLOSE[opener]!;
    let j = i + 1;
    while (j < text.length && text[j] !== closer) j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) return undefined;
    title = text.slice(i + 1, j);
    i = j + 1;
    skip();
  }
  if (text[i] !== ')') return undefined;
  return { end: i + 1, destination, ...(title !== undefined && { title }) };
}

const ATTRIBUTES = `(?:\\s+[^\\s"'>/=]+(?:\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s"'=<>\`]+))?)*\\s*\\/?`;

/** An opening or closing tag; attribute values may hold `>`. Groups: slash, name, attributes. */
export function tagPattern(): RegExp {
  return new RegExp(`<(\\/?)([A-Za-z][A-Za-z0-9-]*)(${ATTRIBUTES})>`, 'g');
}

/**
 * Replaces each element for which `pick(name, attributes)` is true — its tags and everything
 * between them, nested elements of the same name included — with `replacement`. An element
 * never closed runs to the end of the text.
 */
export function replaceElements(
  text: string,
  pick: (name: string, attributes: string) => boolean,
  replacement: string,
): string {
  const tags = tagPattern();
  let out = '';
  let from = 0;
  for (let m = tags.exec(text); m; m = tags.exec(text)) {
    const [whole, slash, rawName = '', attributes = ''] = m;
    const name = rawName.toLowerCase();
    if (slash || !pick(name, attributes)) continue;
    out += text.slice(from, m.index) + replacement;
    if (whole.endsWith('/>') || VOID.has(name)) {
      from = m.index + whole.length;
      continue;
    }
    let depth = 1;
    const inner = tagPattern();
    inner.lastIndex = m.index + whole.length;
    let end = text.length;
    for (let n = inner.exec(text); n; n = inner.exec(text)) {
      if ((n[2] ?? '').toLowerCase() !== name || n[0].endsWith('/>')) continue;
      depth += n[1] ? -1 : 1;
      if (depth === 0) {
        end = n.index + n[0].length;
        break;
      }
    }
    from = end;
    tags.lastIndex = end;
  }
  return out + text.slice(from);
}

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'source', 'track', 'wbr']);
