// Cron expressions and time zones, read by croner (zero dependencies, time zones): checking them,
// the slots they name, and a small deterministic jitter per schedule so many repositories do not
// all fire in the same second. Pure.
import { Cron } from 'croner';

export type CronSpec = { cron: string; timezone: string };

const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
/** Most any schedule is spread by; a tenth of its period when that is shorter. */
export const MAX_JITTER_MS = 5 * 60_000;

function cronOf(spec: CronSpec): Cron {
  return new Cron(spec.cron, { timezone: spec.timezone, paused: true });
}

/** Why `pattern` is not a schedule this App fires, or undefined. */
export function cronProblem(pattern: string): string | undefined {
  const trimmed = pattern.trim();
  const fields = trimmed.split(/\s+/);
  if (!trimmed.startsWith('@') && fields.length !== 5)
    return 'must have five fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * 1-5"';
  if (trimmed.startsWith('@') && !NICKNAMES.includes(trimmed.toLowerCase()))
    return `must be five fields or one of ${NICKNAMES.join(', ')}`;
  try {
    if (!cronOf({ cron: trimmed, timezone: 'UTC' }).nextRun(new Date(0))) return 'never fires';
  } catch (error) {
    return `is not a cron expression (${String((error as Error).message).replace(/^CronPattern: /, '')})`;
  }
  return undefined;
}

export function timeZoneProblem(timezone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return undefined;
  } catch {
    return 'must be an IANA time zone such as UTC or Europe/Paris';
  }
}

/** The first slot strictly after `after`. */
export function nextSlot(spec: CronSpec, after: Date): Date | undefined {
  return cronOf(spec).nextRun(after) ?? undefined;
}

/** Slots strictly after `after` and at most `upTo`, oldest first, at most `max`. */
export function slotsBetween(spec: CronSpec, after: Date, upTo: Date, max: number): Date[] {
  const slots: Date[] = [];
  const cron = cronOf(spec);
  let from = after;
  while (slots.length < max) {
    const next = cron.nextRun(from);
    if (!next || next.getTime() > upTo.getTime()) break;
    slots.push(next);
    from = next;
  }
  return slots;
}

/** FNV-1a: a stable 32-bit hash of a string. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * How long after `slot` this schedule fires: the same fraction of its spread for every slot of
 * one schedule (`key` names it), at most MAX_JITTER_MS and at most a tenth of the gap to the next slot.
 */
export function jitterMs(spec: CronSpec, key: string, slot: Date): number {
  const following = nextSlot(spec, slot);
  const period = following ? following.getTime() - slot.getTime() : MAX_JITTER_MS * 10;
  const spread = Math.min(MAX_JITTER_MS, Math.floor(period / 10));
  return Math.floor((hash(key) / 0x1_0000_0000) * spread);
}
