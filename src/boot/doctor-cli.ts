// `npm run doctor [-- --repo OWNER/NAME] [--fix-webhook]`: checks this deployment (configuration,
// database and migrations, GitHub and the App's credentials, the registered webhook URL, recent
// failed deliveries, installations) and, with --repo, a repository's setup; prints a ✓/✗ matrix
// with the fix for each ✗ and exits 1 when anything is to fix. --fix-webhook sets the App's
// webhook URL to PUBLIC_URL + WEBHOOK_PATH when it differs.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isSecretReference } from '../contract/secret-reference.ts';
import { type AppFacts, decideAppChecks } from '../core/doctor/app-checks.ts';
import { failures, renderText, type Section } from '../core/doctor/checks.ts';
import { decideRepoChecks } from '../core/doctor/repo-checks.ts';
import { webhookUrl } from '../core/setup/app-manifest.ts';
import { readGitHubFacts } from '../flows/doctor/read-app-facts.ts';
import { readRepoFacts } from '../flows/doctor/read-repo-facts.ts';
import { loadRepoConfig } from '../github/load-repo-config.ts';
import { createGitHubClients, type GitHubClients } from '../github/octokit.ts';
import { createSecretManagerReader } from '../platform/config/google-secret-manager.ts';
import { type AppConfig, readConfig } from '../platform/config/read-config.ts';
import { resolveSecretReferences } from '../platform/config/resolve-secrets.ts';
import { migrationNames } from '../platform/db/migrate.ts';
import { createPool, type Db } from '../platform/db/pool.ts';
import { runningServerUrl } from '../platform/db/postgres-cluster.ts';
import { createLogger, type Logger } from '../platform/logging/create-logger.ts';
import { pendingMigrations } from '../store/health.ts';
import { type OpenDatabase, openDatabase } from './open-database.ts';
import { classifyStartupFailure } from './startup-failure.ts';

const { values: flags } = parseArgs({
  options: { repo: { type: 'string' }, 'fix-webhook': { type: 'boolean', default: false } },
  allowPositionals: false,
});

async function loadConfig(): Promise<{ config?: AppConfig; problems: string[] }> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const needsSecrets = Object.values(process.env).some(isSecretReference);
  const reader = needsSecrets ? createSecretManagerReader() : undefined;
  const resolved = await resolveSecretReferences(process.env, reader);
  await reader?.close();
  const result = resolved.ok ? readConfig(resolved.env) : { ok: false as const, problems: resolved.problems };
  if (!result.ok) return { problems: result.problems.map((p) => `${p.variable}: ${p.message}`) };
  return { config: result.config, problems: [] };
}

/** The App's database: DATABASE_URL, the embedded server the App runs, or one started for the check. */
async function database(config: AppConfig, log: Logger): Promise<{ url: string; opened?: OpenDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const dir = path.resolve(config.embeddedPostgres.dir);
  const running = existsSync(dir) ? runningServerUrl(realpathSync(dir)) : undefined;
  if (running) return { url: running };
  const opened = await openDatabase(config, log);
  return { url: opened.url, opened };
}

async function databaseFacts(pool: Db): Promise<AppFacts['database']> {
  try {
    const pending = await pendingMigrations(pool);
    return { ok: true, applied: migrationNames().length - pending.length, pending };
  } catch (error) {
    return { ok: false, reason: classifyStartupFailure(error, {}).message };
  }
}

async function repoSection(github: GitHubClients, config: AppConfig, fullName: string): Promise<Section> {
  const [owner = '', name = ''] = fullName.split('/');
  const title = `Repository ${fullName}`;
  const installation = await github
    .app()
    .request('GET /repos/{owner}/{repo}/installation', { owner, repo: name })
    .then(
      ({ data }) => data.id,
      () => undefined,
    );
  if (installation === undefined) {
    const facts = {
      fullName,
      installed: false,
      config: { ok: false as const, issues: [] },
      workflow: { value: null },
      environment: { value: false },
    };
    return { title, checks: decideRepoChecks(facts, config) };
  }
  const reader = github.forConfig(installation, owner);
  const { data: repo } = await reader.octokit.request('GET /repos/{owner}/{repo}', { owner, repo: name });
  const loaded = await loadRepoConfig(reader, owner, name);
  const facts = await readRepoFacts(
    github,
    { installationId: installation, id: Number(repo.id), owner, name },
    loaded,
  );
  return { title, checks: decideRepoChecks(facts, config) };
}

async function main(): Promise<number> {
  const { config, problems } = await loadConfig();
  const log = createLogger({
    level: config?.logLevel === 'debug' || config?.logLevel === 'trace' ? config.logLevel : 'warn',
    format: config?.logFormat ?? 'pretty',
  });
  if (!config) {
    const checks = decideAppChecks({ config: { ok: false, problems } }, new Date());
    process.stdout.write(`${renderText('Agent Dispatch doctor', [{ title: 'The App', checks }])}\n`);
    return 1;
  }
  const facts: AppFacts = {
    config: { ok: true, mode: config.mode, publicUrl: config.publicUrl, webhookUrl: webhookUrl(config) },
  };
  let db: { url: string; opened?: OpenDatabase } | undefined;
  try {
    db = await database(config, log);
  } catch (error) {
    facts.database = { ok: false, reason: classifyStartupFailure(error, {}).message };
  }
  const pool = createPool(db?.url ?? 'postgres://unreachable.invalid/none', log, 4);
  const stop = new AbortController();
  const sections: Section[] = [];
  try {
    if (db) facts.database = await databaseFacts(pool);
    if (config.github) {
      const github = createGitHubClients(
        {
          appId: config.github.appId,
          privateKey: config.github.privateKey,
          baseUrl: config.githubApiUrl,
        },
        log,
        { pool, limits: config.reliability.githubWrites, signal: stop.signal },
      );
      Object.assign(facts, await readGitHubFacts(github.app(), { apiUrl: config.githubApiUrl }));
      const expected = webhookUrl(config);
      if (flags['fix-webhook'] && facts.hook?.ok && facts.hook.url !== expected) {
        await github
          .app()
          .request('PATCH /app/hook/config', { data: { url: expected, content_type: 'json' } });
        process.stdout.write(
          `The App's webhook URL was ${facts.hook.url || '(none)'}; it is now ${expected}.\n`,
        );
        facts.hook = { ok: true, url: expected, contentType: 'json' };
      }
      sections.push({ title: 'The App', checks: decideAppChecks(facts, new Date()) });
      if (flags.repo) sections.push(await repoSection(github, config, flags.repo));
    } else {
      sections.push({ title: 'The App', checks: decideAppChecks(facts, new Date()) });
    }
  } finally {
    stop.abort();
    await pool.end().catch(() => {});
    await db?.opened?.embedded?.stop();
  }
  process.stdout.write(`${renderText('Agent Dispatch doctor', sections)}\n`);
  return sections.some((section) => failures(section.checks).length > 0) ? 1 : 0;
}

process.exitCode = await main();
