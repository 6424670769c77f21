// What a read-only step hands on, as stored, shown and passed to the next step: the job's text,
// well formed, without hidden content (what an approver sees is all there is), capped. And a
// review's verdict, from its last `VERDICT:` line. Pure.
import type { Report } from '../../contract/job-result.ts';
import { capLength, stripHidden } from '../prompt/strip-hidden.ts';
import { wellFormed } from '../text/well-formed.ts';
import type { HandoffKind } from './pipeline.ts';

export const MAX_HANDOFF_CHARS = 20_000;

export function handoffText(kind: HandoffKind, report: Report): string | null {
  const raw = kind === 'plan' ? (report.plan ?? report.summary) : report.summary;
  if (raw === null) return null;
  const text = capLength(stripHidden(wellFormed(raw).replace(/\r\n?/g, '\n')).trim(), MAX_HANDOFF_CHARS);
  return text === '' ? null : text;
}

/** `VERDICT: approve` or `VERDICT: changes` on a line of its own; the last one counts. */
export function reviewVerdict(text: string): 'approve' | 'changes' | null {
  const found = [...text.matchAll(/^[ \t>*_`]*verdict[ \t]*:[ \t]*[*_`]*(approve|changes)\b/gim)].at(-1);
  return found ? (found[1]!.toLowerCase() as 'approve' | 'changes') : null;
}
