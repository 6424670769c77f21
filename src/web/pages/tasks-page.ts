// GET /tasks: every task the viewer may see, newest first — filter by repository, state,
// requester and engine, search the prompt, page by keyset (fast at any depth), and rows that
// change state live (the page subscribes to /live/tasks with the same filter).
import type { Context } from 'hono';
import { html } from 'hono/html';
import { ENGINES } from '../../core/repo-config/schema.ts';
import { TASK_STATES } from '../../core/task/task-states.ts';
import { countTasksByState, listTasks } from '../../store/task-history.ts';
import { visibleRepos } from '../viewer.ts';
import { count, stateLabel } from './format.ts';
import type { Page } from './page-route.ts';
import { readTaskQuery, storeFilter, type TaskQuery, taskQueryString } from './task-filter.ts';
import { TASK_TABLE_HEAD, taskRow } from './task-row.ts';

export const TASKS_PAGE_SIZE = 50;

function cursor(url: URL, name: string): number | undefined {
  const value = Number(url.searchParams.get(name));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function stateTabs(query: TaskQuery, counts: Map<string, number>) {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const chosen = query.states?.length === 1 ? query.states[0] : undefined;
  const tab = (label: string, state: string | undefined, n: number) =>
    html`<a href="/tasks${taskQueryString(query, { state })}"${state === chosen ? html` aria-current="true"` : ''}>${label} <span class="count">${count(n)}</span></a>`;
  return html`<nav class="tabs" aria-label="States">${tab('all', undefined, total)}${TASK_STATES.filter((s) => (counts.get(s) ?? 0) > 0 || s === chosen).map((s) => tab(stateLabel(s), s, counts.get(s) ?? 0))}</nav>`;
}

async function filterForm(page: Page, query: TaskQuery) {
  const repos = await visibleRepos(page.deps, page.viewer);
  const names = repos.map((r) => `${r.owner}/${r.name}`).sort();
  if (query.repository && !names.includes(query.repository)) names.unshift(query.repository);
  const option = (value: string, current: string | undefined, label = value) =>
    html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/tasks" role="search">
<label>Search <input type="search" name="q" value="${query.q ?? ''}" placeholder="prompt, #id, @user" data-hotkey="/"></label>
<label>Repository <select name="repository">${option('', query.repository, 'any')}${names.map((n) => option(n, query.repository))}</select></label>
<label>State <select name="state">${option('', query.states?.join(','), 'any')}${TASK_STATES.map((s) => option(s, query.states?.join(','), stateLabel(s)))}</select></label>
<label>Requester <input type="text" name="requester" value="${query.requester ?? ''}" size="12" autocomplete="off"></label>
<label>Engine <select name="engine">${option('', query.engine, 'any')}${ENGINES.map((e) => option(e, query.engine))}</select></label>
<button type="submit">Filter</button>${taskQueryString(query) ? html` <a href="/tasks">Clear</a>` : ''}
</form>`;
}

export async function tasksPage(page: Page, _c: Context): Promise<Response> {
  const query = readTaskQuery(page.url);
  const filter = await storeFilter(page.deps, page.viewer, query);
  const before = cursor(page.url, 'before');
  const after = before === undefined ? cursor(page.url, 'after') : undefined;
  const [rows, counts, form] = await Promise.all([
    listTasks(page.deps.pool, { ...filter, beforeId: before, afterId: after, limit: TASKS_PAGE_SIZE }),
    countTasksByState(page.deps.pool, filter),
    filterForm(page, query),
  ]);
  const more = rows.length > TASKS_PAGE_SIZE;
  const tasks = after !== undefined ? rows.slice(more ? 1 : 0) : rows.slice(0, TASKS_PAGE_SIZE);
  const newer = after !== undefined ? more : before !== undefined;
  const older = after !== undefined ? true : more;
  const first = !newer;
  const qs = taskQueryString(query);
  const join = qs ? '&' : '?';
  const pager = html`<nav class="pager" aria-label="Pages">
${newer ? html`<a href="/tasks${qs}">« Newest</a> <a href="/tasks${qs}${join}after=${tasks[0]?.id ?? 0}" rel="prev">‹ Newer</a>` : ''}
${older && tasks.length > 0 ? html`<a href="/tasks${qs}${join}before=${tasks[tasks.length - 1]!.id}" rel="next">Older ›</a>` : ''}
</nav>`;
  const live = `/live/tasks${qs}`;
  const body = html`<h1>Tasks</h1>
${form}
${stateTabs(query, counts)}
<p class="live-status" data-live-status hidden></p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Tasks">
<table class="tasks dense" data-live="${live}" data-first-page="${first ? 'true' : 'false'}">
<caption class="sr-only">Tasks, newest first${query.q ? `, matching “${query.q}”` : ''}</caption>
${TASK_TABLE_HEAD}
<tbody data-rows>${tasks.map((t) => taskRow(t, page.deps.config.web.githubWebUrl))}</tbody>
</table>
${tasks.length === 0 ? html`<p class="empty" data-empty>No tasks${qs ? ' match these filters' : html` yet: comment <code>/agent …</code> on an issue of a repository where the App is installed`}.</p>` : ''}
</div>
${pager}`;
  return page.render({ title: 'Tasks', current: 'tasks', body });
}
