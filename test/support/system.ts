// The whole system, started in one process: the GitHub simulator with a repository and the App
// installed on it, and the App (HTTP server and queue worker) on a given Postgres. Used by the
// end-to-end tests (stack.ts), the demo and the benchmarks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type RunningApp, startApp } from '../../src/boot/start-app.ts';
import { type AppConfig, formatConfigProblems, readConfig } from '../../src/platform/config/read-config.ts';
import { createLogger, type Logger } from '../../src/platform/logging/create-logger.ts';
import { type Simulator, startSimulator } from '../sim/index.ts';
import { sharedToolCache } from '../sim/model/claude-code.ts';
import type { RegisteredApp, RepoHandle } from '../sim/scripting/setup.ts';
import { reservedPort } from './ports.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const WORKFLOW_TEMPLATE = readFileSync(path.join(ROOT, 'workflows-templates/agent.yml'), 'utf8');
/** The action as the template pins it (a release's commit SHA): the simulator runs this checkout for it. */
export const ACTION_USES =
  /uses:\s*(agent-dispatch\/agent-dispatch@[^\s#]+)/.exec(WORKFLOW_TEMPLATE)?.[1] ??
  'agent-dispatch/agent-dispatch@v1';
export const COMMAND_CONFIG = { engine: 'command', command: 'bash ./agent.sh' };
const MANIFEST = parseYaml(readFileSync(path.join(ROOT, 'app.yml'), 'utf8')) as {
  default_permissions: Record<string, 'read' | 'write'>;
  default_events: string[];
};

export type Role = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export type SystemOptions = {
  databaseUrl: string;
  /** `.github/agent.yml` of the repository (an object, written as YAML). */
  agentConfig?: Record<string, unknown>;
  /** Extra files of the repository. */
  files?: Record<string, string>;
  /** Extra environment for the App's configuration. */
  env?: Record<string, string>;
  /** Replace the workflow file (default: the template maintainers copy). */
  workflow?: string;
  /** Users and their role on the repository (alice is a writer unless said otherwise). */
  users?: Record<string, Role>;
  log?: Logger;
  /** The runner's tool cache (RUNNER_TOOL_CACHE); default: the one all tests share, so an
   *  engine CLI is downloaded once per machine. */
  toolCacheDir?: string;
  /** The simulator plays GitHub Enterprise Server of this version. */
  enterprise?: { version: string };
};

export type System = {
  sim: Simulator;
  app: RunningApp;
  github: RegisteredApp;
  repo: RepoHandle;
  config: AppConfig;
  stop(): Promise<void>;
};

export async function startSystem(options: SystemOptions): Promise<System> {
  const sim = await startSimulator({
    actions: { [ACTION_USES]: ROOT },
    toolCacheDir: options.toolCacheDir ?? sharedToolCache(),
    ...(options.enterprise && { enterprise: options.enterprise }),
  });
  try {
    return await startOnSimulator(sim, options);
  } catch (error) {
    await sim.close();
    throw error;
  }
}

async function startOnSimulator(sim: Simulator, options: SystemOptions): Promise<System> {
  const github = sim.registerApp({
    slug: 'agent-dispatch',
    webhookSecret: 'e2e-webhook-secret-0123456789',
    permissions: MANIFEST.default_permissions,
    events: MANIFEST.default_events,
  });
  // Named before the App listens (PUBLIC_URL is the jobs' audience): a port nobody else is handed.
  const port = await reservedPort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const result = readConfig({
    APP_ID: String(github.id),
    PRIVATE_KEY: github.privateKey,
    WEBHOOK_SECRET: github.webhookSecret!,
    GITHUB_API_URL: sim.apiUrl,
    PUBLIC_URL: publicUrl,
    PORT: String(port),
    OIDC_ISSUER: sim.oidcIssuerUrl,
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_WEB_URL: sim.url,
    LOG_LEVEL: 'silent',
    WORKER_CONCURRENCY: '4',
    // The simulator has no limit of its own unless a test sets one: do not pace like GitHub.
    GITHUB_WRITES_PER_MINUTE: '100000',
    GITHUB_WRITE_BURST: '1000',
    GITHUB_WRITES_PER_HOUR: '10000000',
    SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  });
  if (!result.ok) throw new Error(formatConfigProblems(result.problems));
  const config = result.config;
  sim.setCallbackUrls(github.slug, [`${publicUrl}/auth/callback`]);
  const log = options.log ?? createLogger({ level: 'silent', format: 'json' });
  const app = await startApp({ config, databaseUrl: options.databaseUrl, log });
  try {
    return await populate(sim, options, { app, github, config, publicUrl });
  } catch (error) {
    await app.stop();
    throw error;
  }
}

/** The repository, its users, the installation and the environment, once the App listens. */
async function populate(
  sim: Simulator,
  options: SystemOptions,
  started: { app: RunningApp; github: RegisteredApp; config: AppConfig; publicUrl: string },
): Promise<System> {
  const { app, github, config, publicUrl } = started;
  sim.setWebhook(github.slug, { url: `${app.url}/api/github/webhooks` });

  const users: Record<string, Role> = { alice: 'write', ...options.users };
  for (const login of Object.keys(users)) sim.addUser(login);
  const repo = await sim.createRepo({
    owner: 'acme',
    name: 'widgets',
    ownerType: 'Organization',
    files: {
      'README.md': '# Widgets\n',
      '.github/workflows/agent.yml': options.workflow ?? WORKFLOW_TEMPLATE,
      '.github/agent.yml': stringifyYaml(options.agentConfig ?? COMMAND_CONFIG),
      ...options.files,
    },
  });
  for (const [login, role] of Object.entries(users)) sim.setPermission(repo.fullName, login, role);
  await sim.installApp({ app: github.slug, account: 'acme', repositories: [repo.fullName] });
  sim.setEnvironment(repo.fullName, 'agent');
  sim.setVariable(repo.fullName, 'AGENT_DISPATCH_URL', publicUrl);

  return {
    sim,
    app,
    github,
    repo,
    config,
    async stop() {
      await app.stop();
      await sim.close();
    },
  };
}
