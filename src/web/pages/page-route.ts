// What every dashboard page does before and after its own work: a fresh CSP nonce and a strict
// Content-Security-Policy (scripts and styles only from the App, with that nonce), who is asking
// (not signed in: off to sign in and back), the CSRF check of forms, and errors as a page that
// says what happened and what to do — from the one error model.
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { AppError } from '../../core/errors.ts';
import { csrfProblem, viewerOf } from '../authenticate.ts';
import { randomId } from '../secrets.ts';
import { SIGN_IN_PATH } from '../sign-in-routes.ts';
import type { Viewer } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';
import type { AssetUrls } from './assets.ts';
import type { Html } from './format.ts';
import { type Frame, layout, type NavKey, THEMES, type Theme } from './layout.ts';

export const THEME_COOKIE = 'agent-dispatch-theme';

export type PageView = { title: string; current?: NavKey; body: Html; charts?: boolean; status?: number };

export type Page = Frame & {
  deps: WebDeps;
  viewer: Viewer;
  url: URL;
  render(view: PageView): Response | Promise<Response>;
};

export type PageHandler = (page: Page, c: Context) => Promise<Response>;

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

function themeOf(c: Context): Theme {
  const value = getCookie(c, THEME_COOKIE);
  return (THEMES as readonly string[]).includes(value ?? '') ? (value as Theme) : 'auto';
}

function frameOf(c: Context, assets: AssetUrls, viewer: Viewer | undefined): Frame {
  const url = new URL(c.req.url);
  return {
    viewer,
    nonce: randomId().slice(0, 24),
    assets,
    theme: themeOf(c),
    here: `${url.pathname}${url.search}`,
  };
}

function renderer(c: Context, frame: Frame) {
  return (view: PageView) => c.html(layout(frame, view), (view.status ?? 200) as 200);
}

/** The page people see for an error: the sentence of its code, and a way on. */
export function errorView(error: AppError): PageView {
  const signIn = error.code === 'unauthenticated';
  return {
    title: error.code === 'not_found' ? 'Not found' : 'Something stopped this',
    status: error.status,
    body: html`<section class="notice bad" role="alert"><h1>${error.code === 'not_found' ? 'Not found' : 'This did not work'}</h1>
<p>${error.message}</p>
<p>${signIn ? html`<a class="button" href="${SIGN_IN_PATH}">Sign in with GitHub</a>` : html`<a href="/">Back to the activity</a>`}</p></section>`,
  };
}

export function pageRoute(
  deps: WebDeps,
  assets: AssetUrls,
  handler: PageHandler,
  options: { anonymous?: PageHandler } = {},
) {
  return async (c: Context): Promise<Response> => {
    const bare = frameOf(c, assets, undefined);
    c.header('content-security-policy', contentSecurityPolicy(bare.nonce));
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'same-origin');
    c.header('x-content-type-options', 'nosniff');
    const render = renderer(c, bare);
    let viewer: Viewer;
    try {
      viewer = await viewerOf(deps, c);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code !== 'unauthenticated') return render(errorView(error));
      if (options.anonymous)
        return options.anonymous(
          { ...bare, deps, viewer: undefined as never, url: new URL(c.req.url), render },
          c,
        );
      if (deps.config.web.oauth && c.req.method === 'GET')
        return c.redirect(`${SIGN_IN_PATH}?return_to=${encodeURIComponent(bare.here)}`, 302);
      return render(errorView(error));
    }
    const frame = { ...bare, viewer };
    const page: Page = { ...frame, deps, viewer, url: new URL(c.req.url), render: renderer(c, frame) };
    try {
      const refused = await csrfProblem(deps, c, viewer);
      if (refused) throw refused;
      return await handler(page, c);
    } catch (error) {
      if (error instanceof AppError) return page.render(errorView(error));
      deps.log.error({ err: error, path: c.req.path }, 'dashboard page failed');
      return page.render({
        title: 'Error',
        status: 500,
        body: html`<section class="notice bad" role="alert"><h1>Something went wrong on the App</h1><p>It is logged. Reload the page to try again.</p></section>`,
      });
    }
  };
}
