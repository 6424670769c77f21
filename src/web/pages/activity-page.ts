// GET /: what is happening across the repositories the viewer may see — new requests, approvals
// needed, runs started, pull requests opened, failures with their reason — newest first, live.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { recentActivity } from '../../store/activity.ts';
import { taskSummaries } from '../../store/task-history.ts';
import { SIGN_IN_PATH } from '../sign-in-routes.ts';
import { visibleRepoIds } from '../viewer.ts';
import type { Page } from './page-route.ts';
import { activityItem } from './task-event.ts';

const SHOWN = 100;

export async function activityPage(page: Page, _c: Context): Promise<Response> {
  const beforeText = page.url.searchParams.get('before');
  const before = beforeText && !Number.isNaN(Date.parse(beforeText)) ? new Date(beforeText) : undefined;
  const repoIds = await visibleRepoIds(page.deps, page.viewer);
  const rows = await recentActivity(page.deps.pool, { repoIds, limit: SHOWN, before });
  const tasks = new Map(
    (await taskSummaries(page.deps.pool, [...new Set(rows.map((r) => r.taskId))])).map((t) => [t.id, t]),
  );
  const items = rows.flatMap((r) => {
    const task = tasks.get(r.taskId);
    return task ? [activityItem(task, r.event)] : [];
  });
  const oldest = rows.at(-1)?.event.createdAt;
  const body = html`<h1>Activity</h1>
<p class="muted">Task events across ${page.viewer.operator ? 'every repository' : 'the repositories you can see'}, newest first.${before ? '' : ' New ones appear as they happen.'}</p>
<p class="live-status" data-live-status hidden></p>
<ol class="activity" ${before ? '' : html`data-live="/live/activity"`} data-rows>${items}</ol>
${items.length === 0 ? html`<p class="empty" data-empty>Nothing has happened yet. Comment <code>/agent …</code> on an issue to start a task.</p>` : ''}
<nav class="pager" aria-label="Pages">${before ? html`<a href="/">« Newest</a>` : ''}${rows.length === SHOWN && oldest ? html` <a href="/?before=${encodeURIComponent(oldest.toISOString())}" rel="next">Older ›</a>` : ''}</nav>`;
  return page.render({ title: 'Activity', current: 'activity', body });
}

/** `/` for someone not signed in: what this is, and the way in. */
export async function welcomePage(page: Page, _c: Context): Promise<Response> {
  const body = html`<section class="welcome"><h1>Agent Dispatch</h1>
<p>Coding agents that run on <code>/agent</code> comments, in a sandboxed Actions job, and open pull requests for review.</p>
${page.deps.config.web.oauth ? html`<p><a class="button primary" href="${SIGN_IN_PATH}">Sign in with GitHub</a></p>` : html`<p class="notice wait">Sign-in is not configured: set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code> (docs/api.md).</p>`}
<p class="muted">You see the tasks of the repositories where the App is installed and you have access.</p></section>`;
  return page.render({ title: 'Sign in', body, status: 200 });
}
