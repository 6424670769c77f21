// The dashboard's routes: its pages (each through page-route.ts: CSP nonce, viewer, errors), the
// task actions' forms, the theme switch, its live updates and its assets.
import type { Context, Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { safeReturnTo, searchParam } from '../sign-in-routes.ts';
import type { WebDeps } from '../web-deps.ts';
import { activityPage, welcomePage } from './activity-page.ts';
import { mountAssets } from './assets.ts';
import { THEMES } from './layout.ts';
import { mountLiveRoutes } from './live-routes.ts';
import { operationsPage } from './operations-page.ts';
import { pageRoute, THEME_COOKIE } from './page-route.ts';
import { repositoriesPage, repositoryPage } from './repositories-page.ts';
import { taskActionRoute } from './task-actions.ts';
import { renderTaskPage, taskPage } from './task-page.ts';
import { tasksPage } from './tasks-page.ts';
import { usagePage } from './usage-page.ts';

function setTheme(deps: WebDeps, c: Context): Response {
  const theme = searchParam(c, 'set') ?? 'auto';
  if ((THEMES as readonly string[]).includes(theme))
    setCookie(c, THEME_COOKIE, theme, {
      path: '/',
      sameSite: 'Lax',
      secure: deps.secure,
      httpOnly: true,
      maxAge: 365 * 86_400,
    });
  return c.redirect(safeReturnTo(searchParam(c, 'return_to')), 303);
}

export function mountPages(http: Hono, deps: WebDeps): void {
  const assets = mountAssets(http);
  const route = (handler: Parameters<typeof pageRoute>[2], options?: Parameters<typeof pageRoute>[3]) =>
    pageRoute(deps, assets, handler, options);
  http.get('/', route(activityPage, { anonymous: welcomePage }));
  http.get('/tasks', route(tasksPage));
  http.get('/tasks/:id{[0-9]+}', route(taskPage));
  http.post(
    '/tasks/:id{[0-9]+}/:action',
    route((page, c) => taskActionRoute(page, c, (p, taskId, refusal) => renderTaskPage(p, taskId, refusal))),
  );
  http.get('/repositories', route(repositoriesPage));
  http.get('/repositories/:owner/:name', route(repositoryPage));
  http.get('/usage', route(usagePage));
  http.get('/operations', route(operationsPage));
  http.get('/theme', (c) => setTheme(deps, c));
  mountLiveRoutes(http, deps);
}
