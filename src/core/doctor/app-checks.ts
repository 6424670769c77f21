// The deployment, checked: configuration, database and migrations, GitHub reachable and the App
// authenticated, the App's registered webhook URL, recent failed deliveries, installations.
// Facts in (read by flows/doctor or the CLI), checks out. Pure.
import { type Check, fail, ok, skip } from './checks.ts';

type Failed = { ok: false; reason: string; status?: number };

export type Delivery = { guid: string; event: string; statusCode: number; deliveredAt: string };

export type AppFacts = {
  config:
    | { ok: true; mode: 'app' | 'setup'; publicUrl: string; webhookUrl: string }
    | { ok: false; problems: string[] };
  database?: { ok: true; applied: number; pending: string[] } | Failed;
  github?: { ok: true; slug: string; htmlUrl: string; apiUrl: string } | Failed;
  hook?: { ok: true; url: string; contentType: string } | Failed;
  deliveries?: { ok: true; recent: Delivery[] } | Failed;
  installations?: { ok: true; count: number } | Failed;
};

const DAY_MS = 24 * 60 * 60 * 1000;

function failedOf(deliveries: Delivery[], now: Date): { failed: Delivery[]; total: number } {
  const recent = deliveries.filter((d) => now.getTime() - Date.parse(d.deliveredAt) <= DAY_MS);
  const succeeded = new Set(
    recent.filter((d) => d.statusCode >= 200 && d.statusCode < 300).map((d) => d.guid),
  );
  // A delivery redelivered with success since is not a failure any more.
  const failed = recent.filter((d) => (d.statusCode < 200 || d.statusCode >= 300) && !succeeded.has(d.guid));
  return { failed, total: new Set(recent.map((d) => d.guid)).size };
}

function deliveryFix(statusCode: number): string {
  if (statusCode === 404) return 'GitHub delivers where the App does not listen: fix the webhook URL (above)';
  if (statusCode === 401)
    return "the signature was refused: WEBHOOK_SECRET must equal the App's webhook secret (App settings → Webhook secret)";
  if (statusCode === 413) return 'a payload was larger than WEBHOOK_MAX_BYTES: raise it';
  return "the App was down, slow or restarting: the redelivery reconciler asks GitHub for these again; if it goes on, read the App's logs";
}

function configCheck(facts: AppFacts): Check {
  const config = facts.config;
  if (!config.ok)
    return fail(
      'Configuration',
      config.problems.join('; '),
      'fix the variables named (README → Configuration)',
    );
  if (config.mode === 'setup') {
    return fail(
      'Configuration',
      'no GitHub App credentials (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET)',
      `run \`npm start\` and open ${config.publicUrl} to register the App (docs/install.md)`,
    );
  }
  return ok('Configuration', `valid; PUBLIC_URL ${config.publicUrl}`);
}

function databaseCheck(facts: AppFacts): Check {
  const db = facts.database;
  if (!db) return skip('Database', 'not checked: the configuration is invalid');
  if (!db.ok)
    return fail(
      'Database',
      `unreachable: ${db.reason}`,
      'check DATABASE_URL (unset: the embedded server in EMBEDDED_POSTGRES_DIR)',
    );
  if (db.pending.length > 0)
    return fail(
      'Database',
      `migrations not applied: ${db.pending.join(', ')}`,
      'run `npm run migrate` (the App also migrates when it starts)',
    );
  return ok('Database', `reachable; ${db.applied} migrations applied, none pending`);
}

function githubCheck(facts: AppFacts): Check {
  const github = facts.github;
  if (!github) return skip('GitHub', 'not checked: no App credentials');
  if (github.ok) return ok('GitHub', `authenticated as the App \`${github.slug}\` at ${github.apiUrl}`);
  if (github.status === 401) {
    return fail(
      'GitHub',
      `the App's token was refused (401): ${github.reason}`,
      'APP_ID and PRIVATE_KEY must belong to the same App: generate a private key on its settings page',
    );
  }
  return fail(
    'GitHub',
    `not reachable: ${github.reason}`,
    'check GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3) and the network or proxy',
  );
}

export function decideAppChecks(facts: AppFacts, now: Date): Check[] {
  const checks = [configCheck(facts), databaseCheck(facts), githubCheck(facts)];
  const expected = facts.config.ok ? facts.config.webhookUrl : '';
  const hook = facts.hook;
  if (!hook || !facts.github?.ok)
    checks.push(skip('Webhook URL', 'not checked: GitHub is not reachable as the App'));
  else if (!hook.ok) checks.push(fail('Webhook URL', `could not be read: ${hook.reason}`, 'retry'));
  else if (hook.url !== expected) {
    checks.push(
      fail(
        'Webhook URL',
        `GitHub delivers to ${hook.url || '(no URL)'}, the App listens at ${expected}`,
        `set the App's webhook URL to ${expected} (App settings → Webhook URL), or run \`npm run doctor -- --fix-webhook\``,
        true,
      ),
    );
  } else if (hook.contentType !== 'json') {
    checks.push(
      fail(
        'Webhook URL',
        `content type is ${hook.contentType}`,
        'set the content type to application/json (App settings → Webhook)',
        true,
      ),
    );
  } else checks.push(ok('Webhook URL', expected));

  const deliveries = facts.deliveries;
  if (!deliveries || !facts.github?.ok)
    checks.push(skip('Deliveries', 'not checked: GitHub is not reachable as the App'));
  else if (!deliveries.ok)
    checks.push(fail('Deliveries', `could not be listed: ${deliveries.reason}`, 'retry'));
  else {
    const { failed, total } = failedOf(deliveries.recent, now);
    const latest = failed[0];
    checks.push(
      latest
        ? fail(
            'Deliveries',
            `${failed.length} of ${total} in the last 24 h failed; latest: ${latest.statusCode || 'no answer'} for \`${latest.event}\` at ${latest.deliveredAt}`,
            deliveryFix(latest.statusCode),
          )
        : ok('Deliveries', `${total} in the last 24 h, none failed`),
    );
  }
  const installations = facts.installations;
  if (installations && facts.github?.ok) {
    checks.push(
      !installations.ok
        ? fail('Installations', `could not be listed: ${installations.reason}`, 'retry')
        : installations.count === 0
          ? fail(
              'Installations',
              'the App is installed nowhere',
              `install it: ${facts.github.htmlUrl}/installations/new`,
            )
          : ok(
              'Installations',
              `installed on ${installations.count} account${installations.count === 1 ? '' : 's'}`,
            ),
    );
  }
  return checks;
}
