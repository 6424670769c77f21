// GET /tasks/{id}: one task — what was asked, its state and links (issue, run, pull request), the
// actions the viewer may take, cost, tokens, turns and time against the task's limits, the
// timeline of its events, the transcript (the tail, followed live while it runs) and the diff the
// job proposed. Server-rendered; the page's script follows the task's two live streams and, when
// the state changes, reloads the regions that depend on it.
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AppError } from '../../core/errors.ts';
import type { Task } from '../../core/task/task.ts';
import { isTerminal } from '../../core/task/task-states.ts';
import { attemptUsage, taskEventsAfter } from '../../store/task-history.ts';
import { patchesOf } from '../../store/task-results.ts';
import { transcriptSummary, transcriptTail } from '../../store/transcripts.ts';
import { API_PREFIX, usageTotal } from '../api/present.ts';
import { visibleRepos, visibleTask } from '../viewer.ts';
import { diffView } from './diff-view.ts';
import { count, duration, type Html, stateBadge, timeAgo, usd } from './format.ts';
import type { Page } from './page-route.ts';
import { actionForms, doneNotice } from './task-actions.ts';
import { timelineItem } from './task-event.ts';
import { transcriptItem } from './transcript-view.ts';

const TIMELINE = 500;
const TRANSCRIPT_TAIL = 500;

function meter(label: string, used: number | null, limit: number, shown: (v: number) => string): Html {
  const value = used ?? 0;
  const high = limit * 0.8;
  return html`<div class="limit"><span class="limit-label">${label}</span>
<meter min="0" max="${limit}" low="${high}" high="${high}" optimum="0" value="${Math.min(value, limit)}" aria-label="${label}: ${used === null ? 'not reported' : shown(value)} of ${shown(limit)}"></meter>
<span class="limit-figures">${used === null ? '—' : shown(value)} <span class="muted">of ${shown(limit)}</span></span></div>`;
}

function linksOf(page: Page, task: Task): Html {
  const web = page.deps.config.web.githubWebUrl;
  const repo = `${task.repoOwner}/${task.repoName}`;
  const kind = task.isPullRequest ? 'pull' : 'issues';
  return html`<ul class="links">
<li><a href="${web}/${repo}/${kind}/${task.issueNumber}">${task.isPullRequest ? 'Pull request' : 'Issue'} ${repo}#${task.issueNumber}</a></li>
${task.workflowRunUrl ? html`<li><a href="${task.workflowRunUrl}">Workflow run</a></li>` : ''}
${task.prUrl ? html`<li><a href="${task.prUrl}">Agent’s pull request${task.prNumber ? ` #${task.prNumber}` : ''}</a></li>` : ''}
<li><a href="${API_PREFIX}/tasks/${task.id}">JSON</a></li>
</ul>`;
}

async function usageRegion(page: Page, task: Task): Promise<Html> {
  const attempts = await attemptUsage(page.deps.pool, task.id);
  const total = usageTotal(attempts);
  const limits = task.settings.limits;
  const running = !isTerminal(task.state);
  const turns = running && task.progress?.turns != null ? task.progress.turns : total.turns;
  const elapsed = task.dispatchedAt
    ? (task.finishedAt ?? new Date()).getTime() - task.dispatchedAt.getTime()
    : null;
  const tokens =
    total.inputTokens === null && total.outputTokens === null
      ? null
      : (total.inputTokens ?? 0) + (total.outputTokens ?? 0);
  return html`<section id="usage" data-region="usage" aria-labelledby="usage-h"><h2 id="usage-h">Cost and limits</h2>
${meter('Cost', total.costUsd, limits['max-cost-usd'], usd)}
${meter('Turns', turns, limits['max-turns'], (v) => String(v))}
${meter('Time', elapsed, limits['timeout-minutes'] * 60_000, duration)}
<p class="muted">Tokens: ${count(tokens)} (${count(total.inputTokens)} in, ${count(total.outputTokens)} out) over ${attempts.length} reported attempt${attempts.length === 1 ? '' : 's'}.${task.progress?.lastTool ? html` Last tool: <code>${task.progress.lastTool}</code>.` : ''}</p>
</section>`;
}

async function diffRegion(page: Page, task: Task): Promise<Html> {
  const patches = await patchesOf(page.deps.pool, task.id);
  const latest = patches[0];
  return html`<section id="diff" data-region="diff" aria-labelledby="diff-h"><h2 id="diff-h">Change</h2>
${latest ? html`<p class="muted">Attempt ${latest.attempt} (${latest.outcome})${latest.summary ? html`: ${latest.summary}` : ''}</p>${diffView(latest.patch)}` : html`<p class="empty">No change yet: the job sends it when the engine is done.</p>`}
</section>`;
}

export async function renderTaskPage(
  page: Page,
  taskId: number,
  notice?: Html | AppError,
): Promise<Response> {
  const { deps, viewer } = page;
  const task = await visibleTask(deps, viewer, taskId);
  const [events, transcript, summary, repos, usage, diff] = await Promise.all([
    taskEventsAfter(deps.pool, task.id, 0, TIMELINE),
    transcriptTail(deps.pool, task.id, TRANSCRIPT_TAIL),
    transcriptSummary(deps.pool, task.id),
    visibleRepos(deps, viewer),
    usageRegion(page, task),
    diffRegion(page, task),
  ]);
  const role = repos.find((r) => r.id === task.repoId)?.role;
  const refusal = notice && 'code' in notice ? notice : undefined;
  const lastSeq = events.at(-1)?.seq ?? 0;
  const lastTx = transcript.at(-1)?.id ?? 0;
  const earlier = summary.events - transcript.length;
  const body = html`<article class="task" data-task="${task.id}" data-state="${task.state}"
 data-events="/live/tasks/${task.id}/events?after=${lastSeq}" data-transcript="/live/tasks/${task.id}/transcript?after=${lastTx}">
${refusal ? html`<p class="notice bad" role="alert">${refusal.message}</p>` : (notice ?? doneNotice(page.url.searchParams.get('done')))}
<section id="summary" data-region="summary" aria-labelledby="task-h">
<h1 id="task-h">Task ${task.id} ${stateBadge(task.state)}</h1>
<p class="issue-title">${task.issueTitle}</p>
<blockquote class="prompt">${task.prompt}</blockquote>
<dl class="facts">
<dt>Requested by</dt><dd>@${task.requesterLogin} ${timeAgo(task.createdAt)}</dd>
<dt>Engine</dt><dd>${task.engine}${task.usage?.model ? ` (${task.usage.model})` : ''}</dd>
<dt>Attempt</dt><dd>${task.attempt}</dd>
${task.approvedBy ? html`<dt>Approved by</dt><dd>@${task.approvedBy}</dd>` : ''}
${task.branch ? html`<dt>Branch</dt><dd><code>${task.branch}</code></dd>` : ''}
<dt>Updated</dt><dd>${timeAgo(task.updatedAt)}</dd>
</dl>
${linksOf(page, task)}
${task.errorMessage ? html`<p class="notice bad">${task.errorMessage}</p>` : ''}
</section>
<section id="actions" data-region="actions" aria-labelledby="actions-h"><h2 id="actions-h">Actions</h2>${actionForms(task, viewer, role)}</section>
${usage}
<section aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
<ol class="timeline" data-timeline>${events.map((e) => timelineItem(task.id, e))}</ol></section>
<section aria-labelledby="transcript-h"><h2 id="transcript-h">Transcript${summary.truncated ? ' (cut at the cap)' : ''}</h2>
${earlier > 0 ? html`<p class="muted">${earlier} earlier events are not shown; <a href="${API_PREFIX}/tasks/${task.id}/transcript">all of them as JSON</a>.</p>` : ''}
<div class="transcript-box" tabindex="0" role="log" aria-label="Transcript" aria-live="off" data-follow>
<ol class="transcript" data-transcript-items>${transcript.map(transcriptItem)}</ol>
${transcript.length === 0 ? html`<p class="empty" data-empty>Nothing yet${isTerminal(task.state) ? '' : ': the engine’s output appears here as it runs'}.</p>` : ''}
</div>
<button type="button" class="jump" data-jump hidden>↓ Jump to the latest output</button>
</section>
${diff}
</article>`;
  return page.render({
    title: `Task ${task.id}`,
    current: 'tasks',
    body,
    status: refusal ? refusal.status : 200,
  });
}

export async function taskPage(page: Page, c: Context): Promise<Response> {
  return renderTaskPage(page, Number(c.req.param('id')));
}
