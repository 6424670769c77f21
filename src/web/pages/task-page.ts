// GET /tasks/{id}: the task's page, linked from its sticky comment. A minimal server-rendered page
// (the dashboard replaces it): state, links, history and the transcript so far, no script. Someone
// not signed in is sent to sign in and back; a task they cannot see does not exist for them.
import type { Context, Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { TranscriptEvent } from '../../contract/transcript.ts';
import { AppError } from '../../core/errors.ts';
import { taskEventsAfter } from '../../store/task-history.ts';
import { transcriptAfter, transcriptSummary } from '../../store/transcripts.ts';
import { API_PREFIX } from '../api/present.ts';
import { viewerOf } from '../authenticate.ts';
import { SIGN_IN_PATH } from '../sign-in-routes.ts';
import { visibleTask } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';

const SHOWN = 500;

function describe(event: TranscriptEvent): string {
  switch (event.kind) {
    case 'text':
      return event.text;
    case 'tool_call':
      return `→ ${event.tool} ${event.input}`;
    case 'tool_result':
      return `${event.isError ? '✗' : '←'} ${event.output}`;
    case 'file_edit':
      return `✎ ${event.action} ${event.path}`;
    case 'usage':
      return `usage: ${event.turns ?? '?'} turns, ${event.inputTokens ?? '?'} in / ${event.outputTokens ?? '?'} out tokens, $${event.costUsd ?? '?'}`;
    case 'truncated':
      return `— ${event.reason}`;
  }
}

function page(title: string, body: unknown) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body>${body}</body></html>`;
}

async function render(deps: WebDeps, c: Context): Promise<Response> {
  c.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  c.header('cache-control', 'no-store');
  let viewer: Awaited<ReturnType<typeof viewerOf>>;
  try {
    viewer = await viewerOf(deps, c);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthenticated' && deps.config.web.oauth)
      return c.redirect(`${SIGN_IN_PATH}?return_to=${encodeURIComponent(c.req.path)}`, 302);
    throw error;
  }
  let task: Awaited<ReturnType<typeof visibleTask>>;
  try {
    task = await visibleTask(deps, viewer, Number(c.req.param('id')));
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found')
      return c.html(page('Not found', html`<p>${error.message}</p>`), 404);
    throw error;
  }
  const [events, transcript, summary] = await Promise.all([
    taskEventsAfter(deps.pool, task.id, 0, SHOWN),
    transcriptAfter(deps.pool, task.id, 0, SHOWN),
    transcriptSummary(deps.pool, task.id),
  ]);
  const api = `${API_PREFIX}/tasks/${task.id}`;
  const body = html`<h1>Agent task ${task.id}: ${task.state.replace(/_/g, ' ')}</h1>
<p>${task.repoOwner}/${task.repoName} #${task.issueNumber} · requested by @${task.requesterLogin} · engine ${task.engine} · attempt ${task.attempt}</p>
${task.prUrl ? html`<p>Pull request: <a href="${task.prUrl}">${task.prUrl}</a></p>` : ''}
${task.errorMessage ? html`<p>${task.errorMessage}</p>` : ''}
<h2>Transcript${summary.truncated ? ' (truncated)' : ''}</h2>
<pre>${transcript.map((item) => `${describe(item.event)}\n`).join('')}</pre>
<p>Live: <code>GET ${api}/transcript</code> with <code>Accept: text/event-stream</code>.</p>
<h2>History</h2>
<ol>${raw(events.map((e) => html`<li>${e.createdAt.toISOString()} ${e.type} by ${e.actor}${e.toState ? ` → ${e.toState}` : ''}</li>`).join(''))}</ol>`;
  return c.html(page(`Agent task ${task.id}`, body));
}

export function mountTaskPage(http: Hono, deps: WebDeps): void {
  http.get('/tasks/:id', (c) => render(deps, c));
}
