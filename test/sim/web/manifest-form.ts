// GitHub's "new App" page as the manifest flow uses it: the form post of a `manifest` field to
// /settings/apps/new (a personal account) or /organizations/{org}/settings/apps/new, with an
// optional `state` in the query. GitHub shows the person the App, they confirm, and GitHub
// redirects to the manifest's `redirect_url` with a one-time code (and the state). The simulator
// confirms at once, as the signed-in person `app-owner` (or the organization).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from '../core.ts';
import { writeJson } from '../server/respond.ts';
import { createAppFromManifest, type Manifest } from '../state/manifests.ts';
import { accountByLogin } from '../state/store.ts';

export const MANIFEST_FORM = /^\/(?:organizations\/([^/]+)\/)?settings\/apps\/new$/;

/** The manifest of the form, or why GitHub would not take it. */
function readManifest(
  core: SimCore,
  req: IncomingMessage,
  url: URL,
  body: Buffer,
): Manifest | { status: number; message: string } {
  const org = MANIFEST_FORM.exec(url.pathname)?.[1];
  if (req.method !== 'POST') return { status: 404, message: 'Not Found' };
  if (org && accountByLogin(core.store, org)?.type !== 'Organization')
    return { status: 404, message: 'Not Found' };
  try {
    const manifest = JSON.parse(new URLSearchParams(body.toString('utf8')).get('manifest') ?? '') as Manifest;
    return manifest.redirect_url
      ? manifest
      : { status: 422, message: 'Invalid manifest: redirect_url is missing' };
  } catch {
    return { status: 422, message: 'Invalid manifest: not JSON' };
  }
}

export function serveManifestForm(
  core: SimCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): void {
  const manifest = readManifest(core, req, url, body);
  if ('status' in manifest) {
    writeJson(res, manifest.status, { message: manifest.message });
    return;
  }
  const org = MANIFEST_FORM.exec(url.pathname)?.[1];
  const { code } = createAppFromManifest(core, manifest, org ?? 'app-owner');
  const target = new URL(manifest.redirect_url ?? '');
  target.searchParams.set('code', code);
  const state = url.searchParams.get('state');
  if (state) target.searchParams.set('state', state);
  res.writeHead(302, { location: target.toString() }).end();
}
