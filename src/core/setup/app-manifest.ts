// The GitHub App manifest the registration flow posts to GitHub, and the URLs around it. Pure:
// app.yml's permissions and events plus the URLs of this deployment, every one under PUBLIC_URL —
// above all the webhook, at PUBLIC_URL + WEBHOOK_PATH, where the App listens.

/** The App's own pages of the registration flow. */
export const SETUP_PATHS = {
  /** The registration page (setup mode only). */
  start: '/',
  /** GitHub redirects here with a one-time code after the App is created (`redirect_url`). */
  registered: '/setup/registered',
  /** GitHub redirects here after the App is installed (`setup_url`): the next steps. */
  installed: '/setup/installed',
} as const;

export type ManifestUrls = { publicUrl: string; webhookPath: string };

export type AppManifest = Record<string, unknown> & {
  url: string;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  setup_url: string;
};

export function webhookUrl(urls: ManifestUrls): string {
  return `${urls.publicUrl.replace(/\/+$/, '')}${urls.webhookPath}`;
}

/**
 * app.yml (name, description, permissions, events) with this deployment's URLs. The App's home
 * page (`url`, the "Website" link on its GitHub page) is the deployment's page of next steps.
 */
export function buildManifest(base: Record<string, unknown>, urls: ManifestUrls): AppManifest {
  const root = urls.publicUrl.replace(/\/+$/, '');
  return {
    ...base,
    url: `${root}${SETUP_PATHS.installed}`,
    public: base.public === true,
    hook_attributes: { url: webhookUrl(urls), active: true },
    redirect_url: `${root}${SETUP_PATHS.registered}`,
    setup_url: `${root}${SETUP_PATHS.installed}`,
    setup_on_update: true,
  };
}

/** github.com's web host for api.github.com; GitHub Enterprise Server's for `https://HOST/api/v3`. */
export function githubWebUrl(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.hostname === 'api.github.com') return 'https://github.com';
  // GitHub Enterprise Cloud with data residency: api.SUBDOMAIN.ghe.com → SUBDOMAIN.ghe.com.
  if (/^api\.[^.]+\.ghe\.com$/.test(url.hostname)) return `${url.protocol}//${url.hostname.slice(4)}`;
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v3$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/** Where the manifest is posted: the personal account's settings, or an organization's. */
export function registrationUrl(webUrl: string, state: string, org?: string): string {
  const owner = org && LOGIN.test(org) ? `/organizations/${org}` : '';
  return `${webUrl}${owner}/settings/apps/new?state=${encodeURIComponent(state)}`;
}

export function isValidOrganization(org: string): boolean {
  return LOGIN.test(org);
}

/**
 * GitHub delivers webhooks only to addresses it can reach: not localhost, a private network or a
 * plain `.local` name. A PUBLIC_URL like that registers an App that never hears a comment.
 */
export function reachableByGitHub(publicUrl: string): boolean {
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return false;
  if (host === '::1' || host === '0.0.0.0' || /^(fc|fd|fe80)/i.test(host)) return false;
  const octets = host.split('.').map(Number);
  if (octets.length === 4 && octets.every((n) => Number.isInteger(n) && n >= 0 && n <= 255)) {
    const [a = 0, b = 0] = octets;
    if (a === 127 || a === 10 || a === 0 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31))
      return false;
    if (a === 169 && b === 254) return false;
  }
  return true;
}
