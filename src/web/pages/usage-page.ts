// GET /usage: what the agents cost and what came of it, for the repositories the viewer may see —
// cost and tokens per day by repository, user or engine (charts, drawn by uPlot from the numbers
// the page carries, and the same numbers as tables), and per engine and repository the merge rate,
// time to merge and cost per merged pull request (bars drawn on the server, readable without
// script).
import type { Context } from 'hono';
import { html } from 'hono/html';
import { type OutcomeRow, outcomesBy } from '../../store/pr-outcomes.ts';
import { type DailyUsageRow, usageBy, usageByDay } from '../../store/usage.ts';
import { visibleRepoId, visibleRepoIds } from '../viewer.ts';
import { count, type Html, percent, usd } from './format.ts';
import type { Page } from './page-route.ts';

const GROUPS = ['repository', 'user', 'engine'] as const;
type Group = (typeof GROUPS)[number];
const RANGES = [7, 30, 90] as const;
const MOST_SERIES = 8;
const DAY_MS = 86_400_000;

type Series = { label: string; values: number[] };

/** Per day (every day of the range, 0 when nothing ran), the biggest keys and the rest as "other". */
export function dailySeries(
  rows: DailyUsageRow[],
  days: string[],
  pick: (r: DailyUsageRow) => number,
): Series[] {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + pick(r));
  const ranked = [...totals].sort((a, b) => b[1] - a[1]).map(([key]) => key);
  const shown = ranked.slice(0, ranked.length > MOST_SERIES ? MOST_SERIES - 1 : MOST_SERIES);
  const series = new Map<string, number[]>(shown.map((key) => [key, days.map(() => 0)]));
  if (ranked.length > shown.length)
    series.set(
      'other',
      days.map(() => 0),
    );
  const index = new Map(days.map((d, i) => [d, i]));
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const line = series.get(series.has(r.key) ? r.key : 'other')!;
    line[i]! += pick(r);
  }
  return [...series].map(([label, values]) => ({ label, values }));
}

function chart(id: string, title: string, unit: 'usd' | 'count', days: string[], series: Series[]): Html {
  const data = { unit, x: days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000), series };
  const total = series.reduce((sum, s) => sum + s.values.reduce((a, b) => a + b, 0), 0);
  return html`<figure class="chart" id="${id}" data-chart="${JSON.stringify(data)}" role="img" aria-label="${title}: ${unit === 'usd' ? usd(total) : count(total)} in total; the numbers are in the table below">
<figcaption>${title}</figcaption><div class="chart-canvas" data-chart-canvas></div>
<p class="chart-fallback muted" data-chart-fallback>The chart needs JavaScript; the numbers are in the tables.</p></figure>`;
}

function bar(value: number | null, max: number, label: string): Html {
  const width = value === null || max <= 0 ? 0 : Math.max(2, Math.round((value / max) * 120));
  return html`<span class="bar-cell"><svg width="120" height="10" aria-hidden="true" focusable="false"><rect class="bar-bg" width="120" height="10"></rect><rect class="bar-fg" width="${width}" height="10"></rect></svg> ${label}</span>`;
}

function outcomesTable(title: string, rows: OutcomeRow[]): Html {
  const maxHours = Math.max(0, ...rows.map((r) => r.medianHoursToMerge ?? 0));
  const maxCost = Math.max(0, ...rows.map((r) => r.costPerMergedUsd ?? 0));
  return html`<section aria-label="${title}"><h3>${title}</h3>
${
  rows.length === 0
    ? html`<p class="empty">No agent pull request in this range.</p>`
    : html`<div class="table-wrap" tabindex="0" role="region" aria-label="${title}"><table class="dense"><thead><tr><th scope="col"></th><th scope="col" class="num">Pull requests</th><th scope="col">Merge rate</th><th scope="col">Median time to merge</th><th scope="col">Cost per merged</th><th scope="col" class="num">Merged / closed / open</th><th scope="col" class="num">Follow-ups</th><th scope="col" class="num">Cost</th></tr></thead>
<tbody>${rows.map(
        (r) => html`<tr><th scope="row">${r.key}</th><td class="num">${r.pullRequests}</td>
<td>${bar(r.mergeRate, 1, percent(r.mergeRate))}</td>
<td>${bar(r.medianHoursToMerge, maxHours, r.medianHoursToMerge === null ? '—' : `${r.medianHoursToMerge.toFixed(1)} h`)}</td>
<td>${bar(r.costPerMergedUsd, maxCost, usd(r.costPerMergedUsd))}</td>
<td class="num">${r.merged} / ${r.closedUnmerged} / ${r.open}</td><td class="num">${r.followUps}</td><td class="num">${usd(r.costUsd)}</td></tr>`,
      )}</tbody></table></div>`
}
</section>`;
}

function controls(group: Group, days: number, repository: string | undefined): Html {
  const option = (value: string | number, current: string | number, label = String(value)) =>
    html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filters" method="get" action="/usage">
<label>Range <select name="days">${RANGES.map((d) => option(d, days, `last ${d} days`))}</select></label>
<label>By <select name="groupBy">${GROUPS.map((g) => option(g, group))}</select></label>
${repository ? html`<input type="hidden" name="repository" value="${repository}"><span>of ${repository} <a href="/usage?days=${days}&amp;groupBy=${group}">(all)</a></span>` : ''}
<button type="submit">Show</button></form>`;
}

export async function usagePage(page: Page, _c: Context): Promise<Response> {
  const params = page.url.searchParams;
  const group = (GROUPS as readonly string[]).includes(params.get('groupBy') ?? '')
    ? (params.get('groupBy') as Group)
    : 'repository';
  const days = RANGES.find((d) => String(d) === params.get('days')) ?? 30;
  const repository = params.get('repository') || undefined;
  const repoIds = repository
    ? [await visibleRepoId(page.deps, page.viewer, repository)]
    : await visibleRepoIds(page.deps, page.viewer);
  const to = new Date();
  const start = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS - (days - 1) * DAY_MS);
  const range = { from: start, to, repoIds };
  const [daily, totals, byEngine, byRepo] = await Promise.all([
    usageByDay(page.deps.pool, group, range),
    usageBy(page.deps.pool, group, range),
    outcomesBy(page.deps.pool, 'engine', range),
    outcomesBy(page.deps.pool, 'repository', range),
  ]);
  const dayList = Array.from({ length: days }, (_, i) =>
    new Date(start.getTime() + i * DAY_MS).toISOString().slice(0, 10),
  );
  const sum = (pick: (r: (typeof totals)[number]) => number) => totals.reduce((a, r) => a + pick(r), 0);
  const body = html`<h1>Usage and outcomes</h1>
${controls(group, days, repository)}
<ul class="totals">
<li><span class="figure">${usd(sum((r) => r.costUsd))}</span> cost</li>
<li><span class="figure">${count(sum((r) => r.inputTokens + r.outputTokens))}</span> tokens</li>
<li><span class="figure">${count(sum((r) => r.turns))}</span> turns</li>
<li><span class="figure">${count(sum((r) => r.attempts))}</span> runs</li>
</ul>
<div class="charts">
${chart(
  'chart-cost',
  `Cost per day by ${group}`,
  'usd',
  dayList,
  dailySeries(daily, dayList, (r) => r.costUsd),
)}
${chart(
  'chart-tokens',
  `Tokens per day by ${group}`,
  'count',
  dayList,
  dailySeries(daily, dayList, (r) => r.tokens),
)}
</div>
<section aria-labelledby="numbers-h"><h2 id="numbers-h">By ${group}</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Usage by ${group}"><table class="dense"><thead><tr><th scope="col">${group}</th><th scope="col" class="num">Tasks</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Input tokens</th><th scope="col" class="num">Output tokens</th><th scope="col" class="num">Turns</th></tr></thead>
<tbody>${totals.map((r) => html`<tr><th scope="row">${r.key}</th><td class="num">${r.tasks}</td><td class="num">${r.attempts}</td><td class="num">${usd(r.costUsd)}</td><td class="num">${count(r.inputTokens)}</td><td class="num">${count(r.outputTokens)}</td><td class="num">${count(r.turns)}</td></tr>`)}</tbody></table></div>
${totals.length === 0 ? html`<p class="empty">Nothing ran in this range.</p>` : ''}
<details><summary>Per day</summary><div class="table-wrap" tabindex="0" role="region" aria-label="Usage per day"><table class="dense"><thead><tr><th scope="col">Day</th><th scope="col">${group}</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Tokens</th></tr></thead>
<tbody>${daily.map((r) => html`<tr><td>${r.day}</td><td>${r.key}</td><td class="num">${r.attempts}</td><td class="num">${usd(r.costUsd)}</td><td class="num">${count(r.tokens)}</td></tr>`)}</tbody></table></div></details>
</section>
<section aria-labelledby="outcomes-h"><h2 id="outcomes-h">What became of the pull requests</h2>
<p class="muted">Merge rate is merged ÷ (merged + closed unmerged); the cost includes follow-up tasks on the same pull request.</p>
${outcomesTable('By engine', byEngine)}
${outcomesTable('By repository', byRepo)}
</section>`;
  return page.render({ title: 'Usage', current: 'usage', body, charts: true });
}
