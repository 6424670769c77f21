// Removes what a reader of the issue does not see but a model would read: HTML comments,
// zero-width and bidirectional control characters, image alt text and hidden HTML. Pure.

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// Zero-width, word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi embeddings,
// overrides and isolates, tag characters (invisible ASCII look-alikes).
const INVISIBLE =
  /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;
const MARKDOWN_IMAGE = /!\[[^\]]*\]\(([^)\s]*)(?:\s+"[^"]*")?\)/g;
const HTML_IMAGE = /<img\b[^>]*>/gi;
const HIDDEN_ELEMENT =
  /<([a-z][a-z0-9]*)\b[^>]*\b(?:hidden|style\s*=\s*["'][^"']*display\s*:\s*none)[^>]*>[\s\S]*?<\/\1\s*>/gi;
const DETAILS_SUMMARY_TAGS = /<\/?(?:details|summary)\b[^>]*>/gi;

export function stripHidden(text: string): string {
  return text
    .replace(HTML_COMMENT, '')
    .replace(HIDDEN_ELEMENT, '')
    .replace(HTML_IMAGE, '[image]')
    .replace(MARKDOWN_IMAGE, (_, url: string) => `[image${url ? `: ${url}` : ''}]`)
    .replace(DETAILS_SUMMARY_TAGS, '')
    .replace(INVISIBLE, '');
}

/** Caps a text at `max` characters, saying so. */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[… ${text.length - max} more characters cut]`;
}
