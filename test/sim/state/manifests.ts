// The GitHub App manifest flow: a person posts a manifest to GitHub's "new App" page, GitHub
// creates the App from it and redirects to the manifest's `redirect_url` with a one-time code;
// the App's server trades the code for its credentials (POST /app-manifests/{code}/conversions).
import { randomBytes } from 'node:crypto';
import type { SimCore } from '../core.ts';
import { registerApp } from './apps.ts';
import type { App, Permissions } from './types.ts';

export type Manifest = {
  name?: string;
  url?: string;
  hook_attributes?: { url?: string; active?: boolean };
  redirect_url?: string;
  setup_url?: string;
  public?: boolean;
  default_permissions?: Permissions;
  default_events?: string[];
};

/** GitHub's code expires after an hour and works once. */
const CODE_LIFETIME_MS = 60 * 60 * 1000;

function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** What GitHub does when the form is submitted: the App exists, and a code points at it. */
export function createAppFromManifest(
  sim: SimCore,
  manifest: Manifest,
  owner: string,
): { app: App; code: string } {
  if (!manifest.name || !manifest.url) throw new Error('simulator: a manifest needs name and url');
  let slug = slugOf(manifest.name);
  for (let n = 2; [...sim.store.apps.values()].some((app) => app.slug === slug); n++)
    slug = `${slugOf(manifest.name)}-${n}`;
  const hook = manifest.hook_attributes;
  const app = registerApp(sim, {
    slug,
    name: manifest.name,
    owner,
    webhookUrl: hook?.url && hook.active !== false ? hook.url : null,
    webhookSecret: hook?.url ? randomBytes(20).toString('hex') : null,
    permissions: manifest.default_permissions ?? {},
    events: manifest.default_events ?? [],
  });
  const code = randomBytes(10).toString('hex');
  sim.store.manifestCodes.set(code, {
    appId: app.id,
    clientSecret: randomBytes(20).toString('hex'),
    expiresAt: sim.clock.now() + CODE_LIFETIME_MS,
  });
  return { app, code };
}

/** The conversion: the App and its secrets, once; undefined for an unknown, used or expired code. */
export function redeemManifestCode(
  sim: SimCore,
  code: string,
): { app: App; clientSecret: string } | undefined {
  const entry = sim.store.manifestCodes.get(code);
  sim.store.manifestCodes.delete(code);
  if (!entry || entry.expiresAt < sim.clock.now()) return undefined;
  const app = sim.store.apps.get(entry.appId);
  return app ? { app, clientSecret: entry.clientSecret } : undefined;
}
