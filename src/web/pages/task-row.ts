// One row of the task table: the same HTML on the page and in its live updates.
import { html } from 'hono/html';
import type { TaskSummaryRow } from '../../store/task-history.ts';
import { firstLine, type Html, stateBadge, timeAgo, usd } from './format.ts';

export function taskRow(task: TaskSummaryRow, githubWebUrl: string, now?: Date): Html {
  const repo = `${task.repoOwner}/${task.repoName}`;
  const kind = task.isPullRequest ? 'pull' : 'issues';
  const what = firstLine(task.prompt || task.issueTitle, 90);
  return html`<tr id="task-${task.id}" data-task="${task.id}" data-state="${task.state}">
<td class="num"><a href="/tasks/${task.id}" aria-label="Task ${task.id}">#${task.id}</a></td>
<td class="what"><a href="/tasks/${task.id}">${what || html`<em>(no prompt)</em>`}</a>${task.errorMessage ? html`<div class="error-line">${firstLine(task.errorMessage, 140)}</div>` : ''}</td>
<td><a href="/tasks?repository=${encodeURIComponent(repo)}">${repo}</a> <a class="muted" href="${githubWebUrl}/${repo}/${kind}/${task.issueNumber}">#${task.issueNumber}</a></td>
<td>${stateBadge(task.state)}${task.attempt > 1 ? html` <span class="muted" title="attempt">×${task.attempt}</span>` : ''}</td>
<td><a href="/tasks?requester=${encodeURIComponent(task.requesterLogin)}">@${task.requesterLogin}</a></td>
<td>${task.engine}</td>
<td>${timeAgo(task.createdAt, now)}</td>
<td class="num">${usd(task.costUsd)}</td>
</tr>`;
}

export const TASK_TABLE_HEAD = html`<thead><tr>
<th scope="col" class="num">Task</th><th scope="col">What</th><th scope="col">Repository</th><th scope="col">State</th>
<th scope="col">Requester</th><th scope="col">Engine</th><th scope="col">Created</th><th scope="col" class="num">Cost</th>
</tr></thead>`;
