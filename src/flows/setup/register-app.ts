// Setup mode: with no App credentials, the App serves the GitHub App manifest flow itself.
//   GET /                  the registration page: app.yml + this deployment's URLs, posted to GitHub
//   GET /setup/registered  GitHub's one-time code → the App's credentials (app-manifests API),
//                          saved to .env; the browser goes on to install the App, and the process
//                          goes on as the App (onRegistered) — no restart
// The flow's `state` (random per process) ties GitHub's redirect to a page this process served.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { request as baseRequest } from '@octokit/request';
import type { Hono } from 'hono';
import {
  buildManifest,
  githubWebUrl,
  isValidOrganization,
  reachableByGitHub,
  registrationUrl,
  SETUP_PATHS,
} from '../../core/setup/app-manifest.ts';
import { nextStepsPage, registrationPage, setupErrorPage } from '../../core/setup/setup-pages.ts';
import type { AppConfig } from '../../platform/config/read-config.ts';
import type { Logger } from '../../platform/logging/create-logger.ts';

/** What the manifest conversion gives back, ready for the environment. */
export type Registration = {
  appId: number;
  slug: string;
  htmlUrl: string;
  /** APP_ID, PRIVATE_KEY, WEBHOOK_SECRET (and the OAuth client's id and secret, and PUBLIC_URL). */
  env: Record<string, string>;
};

export type SetupOptions = {
  config: AppConfig;
  log: Logger;
  /** app.yml, parsed. */
  manifestBase: Record<string, unknown>;
  /** Saves the credentials (to .env). */
  save(values: Record<string, string>): void;
  /** Called once the response to GitHub's redirect is on its way. */
  onRegistered(registration: Registration): void;
  request?: typeof baseRequest;
};

type Conversion = {
  id: number;
  slug: string;
  html_url: string;
  pem: string;
  webhook_secret: string | null;
  client_id: string;
  client_secret: string;
};

function sameState(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mountRegistration(http: Hono, options: SetupOptions): void {
  const { config, log } = options;
  const state = randomBytes(16).toString('hex');
  const request = (options.request ?? baseRequest).defaults({ baseUrl: config.githubApiUrl });
  const urls = { publicUrl: config.publicUrl, webhookPath: config.webhookPath };
  const manifest = buildManifest(options.manifestBase, urls);
  let registered = false;

  http.get(SETUP_PATHS.start, (c) => {
    const asked = new URL(c.req.url).searchParams.get('org')?.trim();
    const org = asked && isValidOrganization(asked) ? asked : undefined;
    return c.html(
      registrationPage({
        manifest,
        actionUrl: registrationUrl(githubWebUrl(config.githubApiUrl), state, org),
        org,
        reachable: reachableByGitHub(config.publicUrl),
      }),
    );
  });

  http.get(SETUP_PATHS.registered, async (c) => {
    const query = new URL(c.req.url).searchParams;
    const code = query.get('code');
    if (registered)
      return c.html(setupErrorPage('The App is already registered; this process now runs it.'), 409);
    if (!sameState(query.get('state') ?? undefined, state) || !code || !/^[\w-]{1,100}$/.test(code)) {
      return c.html(
        setupErrorPage(
          'This link does not come from the registration page this server showed (or the server restarted since). Start again.',
        ),
        400,
      );
    }
    let created: Conversion;
    try {
      const response = await request('POST /app-manifests/{code}/conversions', { code });
      created = response.data as unknown as Conversion;
    } catch (error) {
      const status = (error as { status?: number }).status;
      log.warn({ status }, 'GitHub refused the App registration code');
      return c.html(
        setupErrorPage(
          `GitHub did not accept the registration code (${status ?? 'no answer'}); codes expire after an hour and work once. Start again.`,
        ),
        502,
      );
    }
    registered = true;
    const env: Record<string, string> = {
      APP_ID: String(created.id),
      PRIVATE_KEY: created.pem,
      WEBHOOK_SECRET: created.webhook_secret ?? '',
      GITHUB_CLIENT_ID: created.client_id,
      GITHUB_CLIENT_SECRET: created.client_secret,
      PUBLIC_URL: config.publicUrl,
    };
    options.save(env);
    const registration = { appId: created.id, slug: created.slug, htmlUrl: created.html_url, env };
    // After this answer is sent: the server that sends it is about to be replaced by the App's.
    setImmediate(() => options.onRegistered(registration));
    return c.redirect(`${created.html_url}/installations/new`, 302);
  });
}

/** The App's page of next steps: GitHub's `setup_url` after an installation, and its home page. */
export function mountNextSteps(http: Hono, config: AppConfig): void {
  http.get(SETUP_PATHS.installed, (c) => c.html(nextStepsPage({ publicUrl: config.publicUrl })));
}
