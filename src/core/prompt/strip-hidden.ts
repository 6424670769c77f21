// Removes what a reader of the issue does not see but a model would read: HTML comments (and
// CDATA, declarations), elements whose content is not shown (hidden, script, style, template,
// media fallbacks), every form of image with its alt text, `<picture>`/`<source>`, link titles,
// link reference definitions (`[//]: # (…)`, `[x]: <> (…)`), HTML attributes, and invisible
// characters — zero-width, bidi controls, tag characters, variation selectors, controls — also
// when written as HTML entities. It works on the raw text, code included: a hidden construct is
// dropped even where Markdown would show it as code (the prompt loses a little, never gains). Pure.
import { BIDI_SOURCE, CONTROL_SOURCE, INVISIBLE_SOURCE } from '../text/invisible.ts';
import { closingBracket, linkTail, replaceElements, tagPattern } from './markdown-scan.ts';

const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[[\s\S]*?(?:\]\]>|$)/g;
const DECLARATION = /<![A-Za-z][^>]*>|<\?[\s\S]*?(?:\?>|$)/g;
// Everything people do not see, and line and paragraph separators: dropped from the prompt.
const INVISIBLE = new RegExp(`${BIDI_SOURCE}|${INVISIBLE_SOURCE}|${CONTROL_SOURCE}|[\\u2028\\u2029]`, 'g');
const ONE_INVISIBLE = new RegExp(INVISIBLE.source);
const NAMED_INVISIBLE =
  /&(?:shy|zwj|zwnj|lrm|rlm|ZeroWidthSpace|NegativeVeryThinSpace|NegativeThinSpace|NegativeMediumSpace|NegativeThickSpace|NoBreak|af|ApplyFunction|it|InvisibleTimes|ic|InvisibleComma);/g;
const NUMERIC_ENTITY = /&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));/g;
const HIDDEN_CONTENT = new Set([
  'script',
  'style',
  'template',
  'noscript',
  'iframe',
  'object',
  'svg',
  'math',
  'video',
  'audio',
  'head',
  'title',
]);
const HIDDEN_ATTRIBUTE =
  /(?:^|\s)(?:hidden|aria-hidden\s*=\s*["']?true)|style\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0)/i;
const IMAGE = '[image]';
const DEFINITION = /^ {0,3}\[((?:[^\]\\\n]|\\.){1,999})\]:/;

function removeNumericInvisible(text: string): string {
  return text.replace(NUMERIC_ENTITY, (entity, hex: string | undefined, dec: string | undefined) => {
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
    if (!Number.isFinite(code) || code > 0x10ffff) return '';
    return code === 0 || ONE_INVISIBLE.test(String.fromCodePoint(code)) ? '' : entity;
  });
}

/** `![alt](…)`, `![alt][ref]`, `![alt][]` and `![alt]`, alt text nested or across lines. */
function replaceMarkdownImages(text: string): string {
  let out = '';
  let i = 0;
  for (let at = text.indexOf('![', i); at >= 0; at = text.indexOf('![', i)) {
    const close = closingBracket(text, at + 1);
    if (close < 0 || (at > 0 && text[at - 1] === '\\')) {
      out += text.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    let end = close + 1;
    if (text[end] === '(') end = linkTail(text, end)?.end ?? end;
    else if (text[end] === '[') end = closingBracket(text, end) + 1 || end;
    out += text.slice(i, at) + IMAGE;
    i = end;
  }
  return out + text.slice(i);
}

/** `[text](url "title")` → `[text](url)`: a title is only a tooltip. */
function dropLinkTitles(text: string): string {
  let out = '';
  let i = 0;
  for (let at = text.indexOf('](', i); at >= 0; at = text.indexOf('](', i)) {
    const tail = linkTail(text, at + 1);
    if (!tail || tail.title === undefined) {
      out += text.slice(i, at + 2);
      i = at + 2;
      continue;
    }
    out += `${text.slice(i, at)}](${tail.destination})`;
    i = tail.end;
  }
  return out + text.slice(i);
}

/**
 * Link reference definitions render as nothing: a definition nobody refers to (`[//]: # (…)`) is
 * dropped whole, one that a link uses keeps its destination without its title.
 */
function dropDefinitions(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const label = DEFINITION.exec(line)?.[1];
    if (label === undefined || label.startsWith('^')) {
      out.push(line);
      continue;
    }
    const rest = line.slice(line.indexOf(']:') + 2).trim();
    const destination = /^(<[^>]*>|\S+)/.exec(rest)?.[1] ?? '';
    let after = rest.slice(destination.length).trim();
    // Not a definition (GitHub shows it as text): no destination, or words after it.
    if (!destination || (after !== '' && !/^["'(]/.test(after))) {
      out.push(line);
      continue;
    }
    // A title may follow alone on the next line, and may run over lines.
    if (after === '' && /^\s*["'(]/.test(lines[index + 1] ?? '')) after = lines[++index]!.trim();
    const closer = after === '' ? '' : after[0] === '(' ? ')' : after[0]!;
    while (closer && !(after.length > 1 && after.endsWith(closer)) && index + 1 < lines.length)
      after += `\n${lines[++index]}`;
    const escaped = label.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const used = new RegExp(`\\[${escaped}\\](?!:)`, 'i').test(text);
    if (used && destination) out.push(`[${label}]: ${destination}`);
  }
  return out.join('\n');
}

export function stripHidden(text: string): string {
  let clean = text
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(HTML_COMMENT, '')
    .replace(CDATA, '')
    .replace(DECLARATION, '');
  clean = replaceElements(
    clean,
    (name, attributes) => HIDDEN_CONTENT.has(name) || HIDDEN_ATTRIBUTE.test(attributes),
    '',
  );
  clean = replaceElements(clean, (name) => name === 'picture' || name === 'img', IMAGE);
  clean = replaceMarkdownImages(clean);
  clean = dropLinkTitles(clean);
  clean = dropDefinitions(clean);
  clean = clean.replace(tagPattern(), (_whole, slash: string, name: string) => {
    const lower = name.toLowerCase();
    if (lower === 'details' || lower === 'summary' || lower === 'source' || lower === 'track') return '';
    return `<${slash}${lower}>`;
  });
  return removeNumericInvisible(clean.replace(NAMED_INVISIBLE, '')).replace(INVISIBLE, '');
}

/** Caps a text at `max` characters, saying so. */
export function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[… ${text.length - max} more characters cut]`;
}
