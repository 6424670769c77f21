// Small pieces every dashboard page shows the same way: a task's state as a badge, money, counts,
// durations and times (absolute in a <time> element, relative in its text).
import { html } from 'hono/html';
import type { TaskState } from '../../core/task/task-states.ts';

export type Html = ReturnType<typeof html>;

const TONE: Record<TaskState, 'wait' | 'busy' | 'good' | 'quiet' | 'bad'> = {
  awaiting_approval: 'wait',
  awaiting_plan_approval: 'wait',
  queued: 'busy',
  dispatched: 'busy',
  waiting_approval: 'wait',
  running: 'busy',
  publishing: 'busy',
  succeeded: 'good',
  no_changes: 'quiet',
  failed: 'bad',
  cancelled: 'quiet',
  rejected: 'bad',
  timed_out: 'bad',
};

export function stateLabel(state: string): string {
  return state.replace(/_/g, ' ');
}

export function stateBadge(state: TaskState): Html {
  return html`<span class="badge tone-${TONE[state]}" data-state="${state}">${stateLabel(state)}</span>`;
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value < 10 ? `$${value.toFixed(value < 0.1 && value > 0 ? 4 : 2)}` : `$${value.toFixed(2)}`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  return value.toLocaleString('en-US');
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.round(hours / 24)} days`;
}

export function ago(at: Date, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - at.getTime()) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return at.toISOString().slice(0, 10);
}

/** A time people read as "3 min ago", with the exact time as the element's datetime and title. */
export function timeAgo(at: Date, now?: Date): Html {
  const iso = at.toISOString();
  return html`<time datetime="${iso}" title="${iso.replace('T', ' ').slice(0, 19)} UTC">${ago(at, now)}</time>`;
}

/**
 * A sentence written for Markdown (the doctor's checks) as HTML: its single-backtick code spans
 * become `<code>`, every other character stays text (escaped like any interpolated value).
 */
export function codeSpans(text: string): Html {
  const parts = text.split(/`([^`\n]+)`/);
  return html`${parts.map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

/** The first line of a text, cut to `max` characters. */
export function firstLine(text: string, max = 120): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
