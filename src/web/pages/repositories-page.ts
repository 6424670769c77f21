// GET /repositories: each repository the viewer may see — tasks running against its concurrency
// cap, waiting for approval, this month's cost against its budget, the last task. GET
// /repositories/{owner}/{name}: the same for one, its setup checklist (read from GitHub now) and
// its recent tasks.
import type { Context } from 'hono';
import { html } from 'hono/html';
import { type RepoOverview, repoOverviews } from '../../store/repo-overview.ts';
import { listTasks } from '../../store/task-history.ts';
import { reposWithTasks } from '../../store/web-access.ts';
import { visibleRepoId, visibleRepoIds, visibleRepos } from '../viewer.ts';
import { codeSpans, type Html, timeAgo, usd } from './format.ts';
import type { Page } from './page-route.ts';
import { type Check, setupChecklist } from './setup-checklist.ts';
import { TASK_TABLE_HEAD, taskRow } from './task-row.ts';

type Listed = { id: number; owner: string; name: string; installationId: number; role: string | null };

function use(label: string, used: number, limit: number | null, shown: (v: number) => string): Html {
  if (limit === null) return html`${shown(used)} <span class="muted">(no ${label})</span>`;
  return html`<meter min="0" max="${limit}" high="${limit * 0.8}" low="${limit * 0.5}" optimum="0" value="${Math.min(used, limit)}" aria-label="${label}: ${shown(used)} of ${shown(limit)}"></meter> ${shown(used)} <span class="muted">of ${shown(limit)}</span>`;
}

function row(repo: Listed, o: RepoOverview | undefined): Html {
  const full = `${repo.owner}/${repo.name}`;
  return html`<tr>
<th scope="row"><a href="/repositories/${full}">${full}</a>${repo.role ? html` <span class="muted">${repo.role}</span>` : ''}</th>
<td>${o ? use('concurrency cap', o.active, o.concurrency, String) : '—'}</td>
<td class="num">${o?.awaitingApproval ? html`<a href="/tasks?repository=${encodeURIComponent(full)}&amp;state=awaiting_approval">${o.awaitingApproval}</a>` : '0'}</td>
<td>${o ? use('monthly budget', o.costThisMonthUsd, o.monthlyBudgetUsd, usd) : '—'}</td>
<td class="num"><a href="/tasks?repository=${encodeURIComponent(full)}">${o?.tasksThisMonth ?? 0}</a></td>
<td>${o?.lastTaskAt ? timeAgo(o.lastTaskAt) : 'never'}</td>
</tr>`;
}

async function listed(page: Page): Promise<Listed[]> {
  const own = await visibleRepos(page.deps, page.viewer);
  const all: Listed[] = own.map((r) => ({ ...r, role: r.role }));
  if (page.viewer.operator)
    for (const r of await reposWithTasks(page.deps.pool))
      if (!all.some((o) => o.id === r.id)) all.push({ ...r, role: null });
  return all.sort((a, b) => `${a.owner}/${a.name}`.localeCompare(`${b.owner}/${b.name}`));
}

const HEAD = html`<thead><tr><th scope="col">Repository</th><th scope="col">Running (cap)</th><th scope="col" class="num">Awaiting approval</th><th scope="col">Cost this month (budget)</th><th scope="col" class="num">Tasks this month</th><th scope="col">Last task</th></tr></thead>`;

export async function repositoriesPage(page: Page, _c: Context): Promise<Response> {
  const repos = await listed(page);
  const overviews = new Map(
    (await repoOverviews(page.deps.pool, await visibleRepoIds(page.deps, page.viewer))).map((o) => [
      o.repoId,
      o,
    ]),
  );
  const body = html`<h1>Repositories</h1>
<p class="muted">Where the App is installed and you have access${page.viewer.operator ? ', and (as an operator) every repository with tasks' : ''}. Open one for its setup checklist.</p>
<div class="table-wrap" tabindex="0" role="region" aria-label="Repositories"><table class="dense">${HEAD}<tbody>${repos.map((r) => row(r, overviews.get(r.id)))}</tbody></table></div>
${repos.length === 0 ? html`<p class="empty">No repository: install the App on one (README → Quick start).</p>` : ''}`;
  return page.render({ title: 'Repositories', current: 'repositories', body });
}

const MARK = { ok: '✓', fail: '✗', skip: '–' } as const;

function checklist(checks: Check[]): Html {
  const failed = checks.filter((c) => c.status === 'fail').length;
  return html`<ul class="checklist">${checks.map(
    (
      c,
    ) => html`<li class="check ${c.status}"><span class="mark" aria-hidden="true">${MARK[c.status]}</span><span class="sr-only">${c.status === 'ok' ? 'passes' : c.status === 'fail' ? 'fails' : 'not checked'}:</span>
<strong>${c.name}</strong> ${codeSpans(c.detail)}${c.fix ? html`<div class="fix">Fix: ${codeSpans(c.fix)}</div>` : ''}</li>`,
  )}</ul>
<p class="${failed === 0 ? 'notice good' : 'notice bad'}">${failed === 0 ? 'Everything checked is in order.' : `${failed} to fix.`}</p>`;
}

export async function repositoryPage(page: Page, c: Context): Promise<Response> {
  const full = `${c.req.param('owner')}/${c.req.param('name')}`;
  const repoId = await visibleRepoId(page.deps, page.viewer, full);
  const [overview] = await repoOverviews(page.deps.pool, [repoId]);
  const repo = (await listed(page)).find((r) => r.id === repoId);
  const [checks, recent] = await Promise.all([
    repo ? setupChecklist(page.deps, repo) : Promise.resolve<Check[]>([]),
    listTasks(page.deps.pool, { repoIds: undefined, repoId, limit: 10 }),
  ]);
  const name = repo ? `${repo.owner}/${repo.name}` : full;
  const body = html`<h1>${name}</h1>
<p><a href="${page.deps.config.web.githubWebUrl}/${name}">On GitHub</a> · <a href="/tasks?repository=${encodeURIComponent(name)}">All its tasks</a> · <a href="/usage?repository=${encodeURIComponent(name)}">Usage</a></p>
<section aria-labelledby="setup-h"><h2 id="setup-h">Setup</h2>${checklist(checks)}</section>
<section aria-labelledby="use-h"><h2 id="use-h">Concurrency and budget</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Use"><table class="dense">${HEAD}<tbody>${repo ? row(repo, overview) : ''}</tbody></table></div></section>
<section aria-labelledby="recent-h"><h2 id="recent-h">Recent tasks</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Recent tasks"><table class="tasks dense">${TASK_TABLE_HEAD}<tbody>${recent.slice(0, 10).map((t) => taskRow(t, page.deps.config.web.githubWebUrl))}</tbody></table></div>
${recent.length === 0 ? html`<p class="empty">No task yet.</p>` : ''}</section>`;
  return page.render({ title: name, current: 'repositories', body });
}
