// A task event as people read it: on a task's timeline, and in the activity stream across tasks
// (which adds the task it belongs to). One wording for both, and for their live updates.
import { html } from 'hono/html';
import type { TaskEventRow } from '../../store/task-events.ts';
import type { TaskSummaryRow } from '../../store/task-history.ts';
import { firstLine, type Html, stateBadge, timeAgo } from './format.ts';

const WORDS: Record<string, string> = {
  created: 'requested',
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  retry: 'retried as a new attempt',
  dispatch: 'dispatched the workflow',
  run_created: 'workflow run created',
  run_started: 'run started',
  gate_waiting: 'waiting for the environment’s reviewers',
  gate_approved: 'the environment approved the run',
  published: 'pull request opened',
  policy_rejected: 'the change was refused by the policy',
  fail: 'failed',
  timed_out: 'timed out',
  request_revised: 'request edited (approval needed again)',
  progress: 'progress',
};

/** What happened, in a few words. */
export function eventLabel(event: TaskEventRow): string {
  return WORDS[event.type] ?? event.type.replace(/_/g, ' ');
}

const DETAIL_KEYS = [
  'reason',
  'message',
  'error',
  'lastTool',
  'turns',
  'via',
  'pullRequestUrl',
  'prUrl',
  'runUrl',
];

/** The event's payload fields worth a glance (short, plain values). */
function details(event: TaskEventRow): [string, string][] {
  const out: [string, string][] = [];
  for (const key of DETAIL_KEYS) {
    const value = event.payload[key];
    if (typeof value === 'string' && value !== '') out.push([key, firstLine(value, 200)]);
    else if (typeof value === 'number') out.push([key, String(value)]);
  }
  return out;
}

function detailList(event: TaskEventRow): Html | '' {
  const pairs = details(event);
  if (pairs.length === 0) return '';
  return html`<span class="detail">${pairs.map(([k, v]) => (/^https?:\/\//.test(v) ? html` <a href="${v}">${k}</a>` : html` ${k}: ${v}`))}</span>`;
}

export function eventTone(event: TaskEventRow): string {
  if (event.toState === 'failed' || event.toState === 'timed_out' || event.toState === 'rejected')
    return 'bad';
  if (event.toState === 'succeeded') return 'good';
  if (event.toState === 'awaiting_approval' || event.toState === 'waiting_approval') return 'wait';
  return '';
}

export function timelineItem(taskId: number, event: TaskEventRow): Html {
  return html`<li id="ev-${taskId}-${event.seq}" class="event ${eventTone(event)}" data-seq="${event.seq}">
<span class="when">${timeAgo(event.createdAt)}</span>
<span class="what"><strong>${eventLabel(event)}</strong>${event.toState ? html` → ${stateBadge(event.toState)}` : ''} <span class="muted">by ${event.actor}</span>${detailList(event)}</span>
</li>`;
}

export function activityItem(task: TaskSummaryRow, event: TaskEventRow): Html {
  const repo = `${task.repoOwner}/${task.repoName}`;
  const failure = event.toState === 'failed' || event.toState === 'timed_out' || event.toState === 'rejected';
  return html`<li id="ev-${task.id}-${event.seq}" class="event ${eventTone(event)}" data-at="${event.createdAt.toISOString()}">
<span class="when">${timeAgo(event.createdAt)}</span>
<span class="what"><a href="/tasks/${task.id}">${repo}#${task.issueNumber} · task ${task.id}</a>
<strong>${eventLabel(event)}</strong>${event.toState ? html` → ${stateBadge(event.toState)}` : ''} <span class="muted">by ${event.actor}</span>
${failure && task.errorMessage ? html`<span class="error-line">${firstLine(task.errorMessage, 200)}</span>` : detailList(event)}
<span class="prompt muted">${firstLine(task.prompt, 100)}</span></span>
</li>`;
}
