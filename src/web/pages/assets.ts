// The dashboard's assets, served by the App itself (no CDN: many installs sit behind a firewall):
// its stylesheet and script, and uPlot (charts) from its npm package. Each URL carries a digest of
// the file, so a browser may keep it forever and a new release is fetched at once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Hono } from 'hono';

export type AssetName = 'style' | 'script' | 'chart' | 'chartStyle';
export type AssetUrls = Record<AssetName, string>;

type Asset = { file: string; type: string; body: Buffer };

const HERE = path.join(import.meta.dirname, 'assets');
const uplot = path.dirname(createRequire(import.meta.url).resolve('uplot'));

const SOURCES: Record<AssetName, { path: string; name: string; type: string }> = {
  style: { path: path.join(HERE, 'dashboard.css'), name: 'dashboard', type: 'text/css' },
  script: { path: path.join(HERE, 'dashboard.js'), name: 'dashboard', type: 'text/javascript' },
  chart: { path: path.join(uplot, 'uPlot.iife.min.js'), name: 'uplot', type: 'text/javascript' },
  chartStyle: { path: path.join(uplot, 'uPlot.min.css'), name: 'uplot', type: 'text/css' },
};

export const ASSET_PREFIX = '/assets/';

function load(): { urls: AssetUrls; byFile: Map<string, Asset> } {
  const byFile = new Map<string, Asset>();
  const urls = {} as AssetUrls;
  for (const [key, source] of Object.entries(SOURCES) as [AssetName, (typeof SOURCES)[AssetName]][]) {
    const body = readFileSync(source.path);
    const digest = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const file = `${source.name}-${digest}${path.extname(source.path)}`;
    byFile.set(file, { file, type: `${source.type}; charset=utf-8`, body });
    urls[key] = `${ASSET_PREFIX}${file}`;
  }
  return { urls, byFile };
}

/** Serves the assets; returns their URLs for the pages. */
export function mountAssets(http: Hono): AssetUrls {
  const { urls, byFile } = load();
  http.get(`${ASSET_PREFIX}:file`, (c) => {
    const asset = byFile.get(c.req.param('file'));
    if (!asset) return c.text('Not Found', 404);
    return c.body(new Uint8Array(asset.body), 200, {
      'content-type': asset.type,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
  });
  return urls;
}
