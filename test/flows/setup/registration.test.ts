// The registration flow as a maintainer goes through it: `npm start` with no credentials, the
// registration page, GitHub's "new App" form (the simulator's), the redirect back with a code,
// the credentials in .env — and the same process going on as the App, whose webhook URL is
// PUBLIC_URL + WEBHOOK_PATH and answers GitHub's signed deliveries with 2xx.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type AppProcess, startAppProcess } from '../../reliability/support/app-process.ts';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { reservedPort } from '../../support/ports.ts';

const MANIFEST = parseYaml(readFileSync(path.resolve(import.meta.dirname, '../../../app.yml'), 'utf8')) as {
  default_permissions: Record<string, string>;
  default_events: string[];
};

function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    // While the setup server gives way to the App's, connections are refused or reset.
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('registering the App from its manifest', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let app: AppProcess;
  let publicUrl: string;

  beforeAll(async () => {
    sim = await startSimulator();
    db = await createTestDatabase();
    const port = await reservedPort();
    publicUrl = `http://127.0.0.1:${port}`;
    app = startAppProcess(
      { DATABASE_URL: db.url, GITHUB_API_URL: sim.apiUrl, PUBLIC_URL: publicUrl, LOG_LEVEL: 'info' },
      port,
    );
    await app.ready();
  }, 60_000);
  afterAll(async () => {
    app?.child.kill('SIGTERM');
    await app?.exited;
    await sim?.close();
    await db?.drop();
  });

  it('posts a manifest whose every URL is under PUBLIC_URL, the webhook at PUBLIC_URL + WEBHOOK_PATH', async () => {
    const page = await (await fetch(`${publicUrl}/`)).text();
    const action = unescapeHtml(/<form action="([^"]+)" method="post">/.exec(page)?.[1] ?? '');
    const manifest = JSON.parse(unescapeHtml(/name="manifest" value="([^"]+)"/.exec(page)?.[1] ?? '{}'));
    expect(action).toMatch(new RegExp(`^${sim.url}/settings/apps/new\\?state=[0-9a-f]{32}$`));
    expect(manifest.hook_attributes).toEqual({ url: `${publicUrl}/api/github/webhooks`, active: true });
    for (const key of ['url', 'redirect_url', 'setup_url'])
      expect(manifest[key]).toMatch(new RegExp(`^${publicUrl}/`));
    expect(manifest.default_permissions).toEqual(MANIFEST.default_permissions);
    expect(manifest.default_events).toEqual(MANIFEST.default_events);
    expect(manifest.public).toBe(false);
    // Under an organization: the same manifest, posted to the organization's settings.
    sim.addOrg('acme');
    const orgPage = await (await fetch(`${publicUrl}/?org=acme`)).text();
    expect(unescapeHtml(/<form action="([^"]+)" method="post">/.exec(orgPage)?.[1] ?? '')).toMatch(
      new RegExp(`^${sim.url}/organizations/acme/settings/apps/new\\?state=`),
    );
  });

  it('saves the credentials, sends the browser to install the App, and goes on as the App without a restart', async () => {
    const page = await (await fetch(`${publicUrl}/`)).text();
    const action = unescapeHtml(/<form action="([^"]+)" method="post">/.exec(page)?.[1] ?? '');
    const manifest = unescapeHtml(/name="manifest" value="([^"]+)"/.exec(page)?.[1] ?? '');

    // The person confirms on GitHub; GitHub redirects back with a code.
    const confirmed = await fetch(action, {
      method: 'POST',
      body: new URLSearchParams({ manifest }),
      redirect: 'manual',
    });
    expect(confirmed.status).toBe(302);
    const back = confirmed.headers.get('location') ?? '';
    expect(back).toMatch(new RegExp(`^${publicUrl}/setup/registered\\?code=[0-9a-f]+&state=`));

    // A forged state is refused; the real redirect completes the registration.
    const forged = await fetch(back.replace(/state=[^&]+/, 'state=0'), { redirect: 'manual' });
    expect(forged.status).toBe(400);
    const done = await fetch(back, { redirect: 'manual' });
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe(`${sim.url}/apps/agent-dispatch/installations/new`);

    const saved = parseEnv(readFileSync(path.join(app.cwd, '.env'), 'utf8'));
    expect(Object.keys(saved).sort()).toEqual(
      [
        'APP_ID',
        'GITHUB_CLIENT_ID',
        'GITHUB_CLIENT_SECRET',
        'PRIVATE_KEY',
        'PUBLIC_URL',
        'WEBHOOK_SECRET',
      ].sort(),
    );
    expect(saved.PRIVATE_KEY).toContain('-----BEGIN RSA PRIVATE KEY-----\n');

    // The same process now runs as the App: the webhook route exists where GitHub delivers.
    await until(async () => {
      const answer = await fetch(`${publicUrl}/api/github/webhooks`, { method: 'POST', body: '{}' });
      return answer.status === 401 ? true : undefined;
    }, 'the webhook route');
    await until(
      async () => ((await fetch(`${publicUrl}/readyz`)).status === 200 ? true : undefined),
      'readiness',
    );

    // GitHub's first deliveries (the installation) arrive signed at the registered URL: 2xx.
    sim.addOrg('widgets-inc');
    const { deliveries } = await sim.installApp({ app: 'agent-dispatch', account: 'widgets-inc' });
    expect(deliveries.length).toBeGreaterThan(0);
    for (const delivery of deliveries) {
      expect(delivery.url).toBe(`${publicUrl}/api/github/webhooks`);
      expect(delivery.statusCode).toBeGreaterThanOrEqual(200);
      expect(delivery.statusCode).toBeLessThan(300);
    }
    expect(app.output()).toContain(
      'GitHub App registered; its credentials are saved in .env; starting as the App',
    );
    expect(app.output()).not.toMatch(/smee|Probot/i);
  });
});
