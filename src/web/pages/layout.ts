// The frame of every dashboard page: the head (stylesheet, script, each with the request's CSP
// nonce), the navigation, who is signed in with the theme switch and sign-out, and the page.
import { html } from 'hono/html';
import type { Viewer } from '../viewer.ts';
import type { AssetUrls } from './assets.ts';
import type { Html } from './format.ts';

export const THEMES = ['auto', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

export type Frame = {
  viewer: Viewer | undefined;
  nonce: string;
  assets: AssetUrls;
  theme: Theme;
  /** The request's path with its query (where the theme switch comes back to). */
  here: string;
};

export type NavKey = 'activity' | 'tasks' | 'repositories' | 'usage' | 'operations';

const NAV: { key: NavKey; href: string; label: string; operators?: true }[] = [
  { key: 'activity', href: '/', label: 'Activity' },
  { key: 'tasks', href: '/tasks', label: 'Tasks' },
  { key: 'repositories', href: '/repositories', label: 'Repositories' },
  { key: 'usage', href: '/usage', label: 'Usage' },
  { key: 'operations', href: '/operations', label: 'Operations', operators: true },
];

function themeSwitch(frame: Frame): Html {
  const back = encodeURIComponent(frame.here);
  return html`<span class="themes" role="group" aria-label="Theme">${THEMES.map(
    (theme) =>
      html`<a href="/theme?set=${theme}&amp;return_to=${back}"${theme === frame.theme ? html` aria-current="true"` : ''}>${theme}</a>`,
  )}</span>`;
}

function header(frame: Frame, current: NavKey | undefined): Html {
  const viewer = frame.viewer;
  if (!viewer)
    return html`<header class="top"><a class="brand" href="/">Agent Dispatch</a><div class="who">${themeSwitch(frame)}</div></header>`;
  const links = NAV.filter((item) => !item.operators || viewer.operator).map(
    (item) =>
      html`<a href="${item.href}"${item.key === current ? html` aria-current="page"` : ''}>${item.label}</a>`,
  );
  return html`<header class="top">
  <a class="brand" href="/">Agent Dispatch</a>
  <nav aria-label="Dashboard">${links}</nav>
  <div class="who">
    <span title="${viewer.operator ? 'operator: sees every repository' : 'signed in'}">@${viewer.login}${viewer.operator ? html` <span class="tag">operator</span>` : ''}</span>
    ${themeSwitch(frame)}
    ${
      viewer.csrfToken
        ? html`<form method="post" action="/auth/logout"><input type="hidden" name="_csrf" value="${viewer.csrfToken}"><button type="submit" class="link">Sign out</button></form>`
        : ''
    }
  </div>
</header>`;
}

export function layout(
  frame: Frame,
  page: { title: string; current?: NavKey; body: Html; charts?: boolean },
): Html {
  const { nonce, assets } = frame;
  return html`<!doctype html>
<html lang="en" data-theme="${frame.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Agent Dispatch</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.style}" nonce="${nonce}">
${page.charts ? html`<link rel="stylesheet" href="${assets.chartStyle}" nonce="${nonce}">` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header(frame, page.current)}
<main id="main" tabindex="-1">
${page.body}
</main>
${page.charts ? html`<script src="${assets.chart}" nonce="${nonce}" defer></script>` : ''}
<script src="${assets.script}" nonce="${nonce}" defer></script>
</body>
</html>`;
}
