// The whole system with the App as real processes: the GitHub simulator (in this process, with
// the runner executing the bundled action), a round-robin forwarder, and any number of App
// replicas (`node src/boot/main.ts`) on one Postgres. Repositories are spread over organisations, one
// installation each, so per-installation pacing applies to each separately.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../sim/index.ts';
import type { RegisteredApp, RepoHandle } from '../../sim/scripting/setup.ts';
import { reservedPort } from '../../support/ports.ts';
import { ACTION_USES, WORKFLOW_TEMPLATE } from '../../support/stack.ts';
import { type AppProcess, startAppProcess } from './app-process.ts';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MANIFEST = parseYaml(readFileSync(path.join(ROOT, 'app.yml'), 'utf8')) as {
  default_permissions: Record<string, 'read' | 'write'>;
  default_events: string[];
};
const WEBHOOK_SECRET = 'process-stack-webhook-secret-0123456789';

export type ProcessStackOptions = {
  databaseUrl: string;
  /** Repositories, each in its own organisation with its own installation. */
  repos: number;
  agentScript: string;
  agentConfig?: Record<string, unknown>;
  simulator?: SimulatorOptions;
  /** Extra environment of every replica. */
  appEnv?: Record<string, string>;
  /** Directory with the action (action.yml and action/dist); default: this checkout. */
  actionDir?: string;
  /** Leave the App uninstalled until `install()` (so replicas already running see the event). */
  deferInstall?: boolean;
};

export type ProcessStack = {
  sim: Simulator;
  proxy: RoundRobinProxy;
  github: RegisteredApp;
  repos: RepoHandle[];
  replicas: AppProcess[];
  /** Starts one more replica behind the forwarder and waits until it is ready. */
  startReplica(env?: Record<string, string>): Promise<AppProcess>;
  /** Takes a replica out of the forwarder (before stopping or killing it). */
  detach(replica: AppProcess): void;
  /** Installs the App on the repositories (with `deferInstall`; done at start otherwise). */
  install(): Promise<void>;
  stop(): Promise<void>;
};

export async function startProcessStack(options: ProcessStackOptions): Promise<ProcessStack> {
  const sim = await startSimulator({
    ...options.simulator,
    actions: { [ACTION_USES]: options.actionDir ?? ROOT },
  });
  let proxy: RoundRobinProxy | undefined;
  try {
    proxy = await startRoundRobinProxy();
    return await onSimulator(sim, proxy, options);
  } catch (error) {
    await proxy?.close();
    await sim.close();
    throw error;
  }
}

async function onSimulator(
  sim: Simulator,
  proxy: RoundRobinProxy,
  options: ProcessStackOptions,
): Promise<ProcessStack> {
  const github = sim.registerApp({
    slug: 'agent-dispatch',
    webhookUrl: `${proxy.url}/api/github/webhooks`,
    webhookSecret: WEBHOOK_SECRET,
    permissions: MANIFEST.default_permissions,
    events: MANIFEST.default_events,
  });
  sim.addUser('alice');
  const repos: RepoHandle[] = [];
  for (let i = 1; i <= options.repos; i++) {
    const org = `org${i}`;
    sim.addOrg(org);
    const repo = await sim.createRepo({
      owner: org,
      name: 'widgets',
      ownerType: 'Organization',
      files: {
        'README.md': '# Widgets\n',
        '.github/workflows/agent.yml': WORKFLOW_TEMPLATE,
        '.github/agent.yml': stringifyYaml(
          options.agentConfig ?? { engine: 'command', command: 'bash ./agent.sh' },
        ),
        'agent.sh': options.agentScript,
      },
    });
    sim.setPermission(repo.fullName, 'alice', 'write');
    sim.setEnvironment(repo.fullName, 'agent');
    sim.setVariable(repo.fullName, 'AGENT_DISPATCH_URL', proxy.url);
    repos.push(repo);
  }

  const install = async () => {
    for (const repo of repos)
      await sim.installApp({ app: github.slug, account: repo.owner, repositories: [repo.fullName] });
  };
  if (!options.deferInstall) await install();

  const replicas: AppProcess[] = [];
  const stack: ProcessStack = {
    sim,
    proxy,
    github,
    repos,
    replicas,
    async startReplica(env = {}) {
      const port = await reservedPort();
      const replica = startAppProcess(
        {
          APP_ID: String(github.id),
          PRIVATE_KEY: github.privateKey,
          WEBHOOK_SECRET,
          GITHUB_API_URL: sim.apiUrl,
          DATABASE_URL: options.databaseUrl,
          PUBLIC_URL: proxy.url,
          OIDC_ISSUER: sim.oidcIssuerUrl,
          WORKER_CONCURRENCY: '4',
          SHUTDOWN_TIMEOUT_MS: '5000',
          ...options.appEnv,
          ...env,
        },
        port,
      );
      replicas.push(replica);
      await replica.ready();
      proxy.backends.push(replica.url);
      return replica;
    },
    install,
    detach(replica) {
      const index = proxy.backends.indexOf(replica.url);
      if (index >= 0) proxy.backends.splice(index, 1);
    },
    async stop() {
      for (const replica of replicas) {
        if (replica.child.exitCode === null && replica.child.signalCode === null)
          replica.child.kill('SIGKILL');
      }
      await Promise.all(replicas.map((r) => r.exited));
      await proxy.close();
      await sim.close();
    },
  };
  return stack;
}
