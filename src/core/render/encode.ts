// The one way outside text reaches GitHub. Every piece of job- or user-supplied text the App
// writes — in comments, pull request titles and bodies, commit messages, check runs, gate comments
// — goes through `encode`, in the form its place needs. Whatever the text holds, the result pings
// nobody (@user, @org/team), links nothing (#12, owner/repo#12, GH-12, URLs, www., e-mail
// addresses), so no closing keyword in it can close an issue, renders no image, heading, list,
// table, HTML or emphasis, cannot leave the code span or block it is put in, and shows control,
// bidi and broken Unicode as visible marks. Pure.
import { BIDI_SOURCE, CONTROL_SOURCE, INVISIBLE_SOURCE } from '../text/invisible.ts';
import { wellFormed } from '../text/well-formed.ts';

export type EncodeForm =
  /** Markdown text inside a sentence or a table cell: one line, every Markdown character escaped. */
  | 'inline'
  /** Markdown text that keeps its line breaks (for quoting); each line escaped, none indented. */
  | 'lines'
  /**
   * Like 'inline', but a `single-backtick` code span stays a code span (fenced anew, so it still
   * cannot be left): for messages that name fields and files, whose words may come from outside.
   */
  | 'inline-code'
  /** An inline code span whose backtick fence is longer than any run inside. */
  | 'span'
  /** A fenced code block (backticks longer than any run inside), as it was written. */
  | 'block'
  /** Plain text on one line: a pull request title, a commit subject. */
  | 'title'
  /** Plain text with line breaks: a commit message body. */
  | 'plain';

export type EncodeOptions = { max?: number };

const ZWSP = '\u200B';
/** Bidi controls reorder what people see: shown as marks, never obeyed. */
const BIDI = new RegExp(BIDI_SOURCE, 'g');
/** Other invisible format characters (zero-width, joiners, tags, variation selectors): dropped. */
const INVISIBLE = new RegExp(INVISIBLE_SOURCE, 'g');
/** Controls but tab and newline: shown as marks. */
const CONTROL = new RegExp(CONTROL_SOURCE, 'g');
/**
 * Characters that start Markdown or HTML anywhere in a line: code, emphasis, links and images
 * (`[`), autolinks and HTML (`<`), tables, strikethrough, math, entities (`&#64;` would render as
 * `@`). The rest of ASCII punctuation matters only where a line starts.
 */
const MARKUP = /[\\`*_[\]<>|~$&]/g;
/** A line's first character, if it is punctuation (`#` heading, `-` list, `=` underline, …). */
const LINE_START = /^[!"#%'()*+,\-./:;=?@^{}]/;
/** An ordered list marker: `1.` or `1)` at the start of a line. */
const ORDERED = /^(\d{1,9})([.)])(?=\s|$)/;

function mark(char: string): string {
  return `⟨U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** Cuts at `max` code points (never half a surrogate pair), saying so with an ellipsis. */
function cut(text: string, max: number | undefined): string {
  if (max === undefined || text.length <= max) return text;
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max).join('')}…`;
}

function normalise(text: string, max: number | undefined): string {
  const whole = wellFormed(String(text)).replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n');
  return cut(whole, max).replace(INVISIBLE, '').replace(BIDI, mark).replace(CONTROL, mark);
}

/**
 * Breaks everything GitHub would turn into a mention, a reference or a link with a zero-width
 * space: it reads the same, and GitHub's matchers no longer see `@name`, `#12`, `GH-12`,
 * `https://`, `www.` or an e-mail address.
 */
function neutralise(text: string): string {
  return text
    .replace(/@(?=\S)/gu, `@${ZWSP}`)
    .replace(/#(?=\p{N})/gu, `#${ZWSP}`)
    .replace(/\b(GH)-(?=\p{N})/giu, `$1-${ZWSP}`)
    .replace(/\b(https?|ftps?|mailto|xmpp):/gi, `$1:${ZWSP}`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
}

/** Backslash escapes where Markdown would read markup: CommonMark then reads only text. */
function escapeMarkdown(line: string): string {
  return line.replace(MARKUP, '\\$&').replace(ORDERED, '$1\\$2').replace(LINE_START, '\\$&');
}

function oneLine(text: string): string {
  return text
    .replace(/[\n\t]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

function codeSpan(text: string): string {
  const content = oneLine(text);
  if (content === '') return '` `';
  const fence = '`'.repeat(longestRun(content, '`') + 1);
  // CommonMark drops one space on each side, so a span may start or end with a backtick.
  const pad = content.startsWith('`') || content.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

function codeBlock(text: string): string {
  const content = text.replace(/\n$/, '');
  const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
  return `${fence}text\n${content}\n${fence}`;
}

export function encode(text: string, form: EncodeForm, options: EncodeOptions = {}): string {
  const clean = normalise(text, options.max);
  switch (form) {
    case 'span':
      return codeSpan(clean);
    case 'block':
      return codeBlock(clean);
    case 'title':
      return neutralise(oneLine(clean));
    case 'plain':
      return neutralise(clean.replace(/\t/g, '  '));
    case 'inline':
      return escapeMarkdown(neutralise(oneLine(clean)));
    case 'inline-code':
      return oneLine(clean)
        .split(/`([^`]+)`/)
        .map((part, i) => (i % 2 === 1 ? codeSpan(part) : escapeMarkdown(neutralise(part))))
        .join('');
    case 'lines':
      return clean
        .split('\n')
        .map((line) => escapeMarkdown(neutralise(line.replace(/\t/g, ' ').trim())))
        .join('\n')
        .replace(/\n{3,}/g, '\n\n')
        .trim();
  }
}

/** A login as the App writes it about someone without pinging them. */
export function quietLogin(login: string): string {
  return `@${ZWSP}${encode(login, 'title')}`;
}

/** Outside text as a Markdown quote: every line encoded, so nothing in it renders. */
export function quoted(text: string, max: number): string {
  return encode(text, 'lines', { max })
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}
