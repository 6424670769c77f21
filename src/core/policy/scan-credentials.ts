// Credential scanning of everything that leaves the job: bytes, not only decodable text. A file
// is read as latin-1 (one character per byte, so a token inside a binary file is still found),
// with its NUL bytes dropped (UTF-16 text), and every base64- or hex-looking run decoded once and
// read the same way. Pure; the one detector is find-credentials.ts.
import type { Report } from '../../contract/job-result.ts';
import { type CredentialMatch, credentialMatches } from './find-credentials.ts';
import type { Violation } from './violation.ts';

const BASE64_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX_RUN = /[0-9a-fA-F]{40,}/g;

function views(bytes: Buffer): string[] {
  const latin1 = bytes.toString('latin1');
  const out = [latin1];
  if (latin1.includes('\0')) out.push(latin1.replaceAll('\0', ''));
  return out;
}

/** Runs up to this long may carry a glued prefix (`tokenZ2hw…`): they are decoded at 4 alignments. */
const SHORT_RUN = 256;

/**
 * The decodings of encoded-looking runs in `text`, one per line: base64 from the run's start (and,
 * for a short run, at each of the 4 alignments), hex at 2.
 */
function decodedRuns(text: string): Buffer {
  const decoded: Buffer[] = [];
  const newline = Buffer.from('\n');
  for (const [run] of text.matchAll(BASE64_RUN)) {
    const alignments = run.length <= SHORT_RUN ? 4 : 1;
    for (let offset = 0; offset < alignments; offset++)
      decoded.push(Buffer.from(run.slice(offset), 'base64'), newline);
  }
  for (const [run] of text.matchAll(HEX_RUN)) {
    for (let offset = 0; offset < 2; offset++) {
      const even = run.slice(offset, offset + ((run.length - offset) & ~1));
      decoded.push(Buffer.from(even, 'hex'), newline);
    }
  }
  return Buffer.concat(decoded);
}

/** Every credential-looking string in `input`, once per kind and value. */
export function credentialsIn(input: Buffer | string): CredentialMatch[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const seen = new Map<string, CredentialMatch>();
  const add = (text: string) => {
    for (const match of credentialMatches(text)) seen.set(`${match.kind}\0${match.value}`, match);
  };
  for (const view of views(bytes)) {
    add(view);
    for (const inner of views(decodedRuns(view))) add(inner);
  }
  return [...seen.values()];
}

/** The kinds found in `input` that `before` (the same file at the base) did not already hold. */
export function newCredentialKinds(input: Buffer | string, before?: Buffer): string[] {
  const old = new Set(before ? credentialsIn(before).map((m) => m.value) : []);
  return [...new Set(credentialsIn(input).flatMap((m) => (old.has(m.value) ? [] : [m.kind])))];
}

/** The report fields the App shows on GitHub (PR body, comments, check runs). */
const REPORT_TEXT_FIELDS = ['summary', 'plan', 'error', 'engine', 'engineVersion', 'model'] as const;

/** A credential in any text field of the job's report, named by field and kind. */
export function reportCredentials(report: Report): Violation[] {
  const violations: Violation[] = [];
  for (const field of REPORT_TEXT_FIELDS) {
    const value = report[field];
    if (typeof value !== 'string') continue;
    for (const kind of new Set(credentialsIn(value).map((m) => m.kind))) {
      violations.push({
        path: `(report) ${field}`,
        rule: 'credential',
        detail: `the job's report holds a credential (${kind}) in its ${field}`,
      });
    }
  }
  return violations;
}

/** `fields` with every text value that holds a credential replaced by null (progress shown on GitHub). */
export function withoutCredentials<T extends Record<string, unknown>>(fields: T): T {
  const out: Record<string, unknown> = { ...fields };
  for (const [key, value] of Object.entries(out)) {
    if (typeof value === 'string' && credentialsIn(value).length > 0) out[key] = null;
  }
  return out as T;
}

/** Violations whose path or detail would quote a credential (a path or a symlink target) cut it out. */
export function redactViolations(violations: Violation[]): Violation[] {
  const redact = (text: string) => {
    let out = text;
    for (const { kind, value } of credentialsIn(text)) {
      // An encoded credential is not there to cut out literally: withhold the whole text.
      if (!out.includes(value)) return `[withheld: holds a ${kind}]`;
      out = out.split(value).join(`[${kind}]`);
    }
    return out;
  };
  return violations.map((v) => ({ ...v, path: redact(v.path), detail: redact(v.detail) }));
}
