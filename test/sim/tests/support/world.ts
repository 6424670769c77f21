// A small scripted world for the simulator's tests: one App with a webhook receiver, an org with two
// repositories, a maintainer and a contributor, and the App installed on the first repository.
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../index.ts';
import type { RegisteredApp } from '../../scripting/setup.ts';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.ts';

export const SECRET = "It's a Secret to Everybody";

export const APP_PERMISSIONS = {
  contents: 'write',
  issues: 'write',
  pull_requests: 'write',
  actions: 'write',
  checks: 'write',
  deployments: 'write',
  metadata: 'read',
} as const;

export const APP_EVENTS = [
  'issue_comment',
  'issues',
  'pull_request',
  'pull_request_review',
  'pull_request_review_comment',
  'workflow_run',
  'workflow_job',
  'deployment_protection_rule',
];

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export type World = {
  sim: Simulator;
  app: RegisteredApp;
  installationId: number;
  receiver: WebhookReceiver;
  appOctokit: Octokit;
  /** An Octokit authenticated as the installation (tokens minted through the App JWT flow). */
  installationOctokit(): Octokit;
  tokenOctokit(token: string): Octokit;
  close(): Promise<void>;
};

export async function createWorld(
  options: SimulatorOptions = {},
  files?: Record<string, string>,
): Promise<World> {
  const sim = await startSimulator(options);
  const receiver = await startWebhookReceiver(SECRET);
  const app = sim.registerApp({
    slug: 'agent-dispatch',
    webhookUrl: receiver.url,
    webhookSecret: SECRET,
    permissions: { ...APP_PERMISSIONS },
    events: APP_EVENTS,
  });
  sim.addOrg('acme');
  sim.addUser('maria');
  sim.addUser('carol');
  await sim.createRepo({ owner: 'acme', name: 'widgets', files: files ?? { 'README.md': '# widgets\n' } });
  await sim.createRepo({
    owner: 'acme',
    name: 'secret-plans',
    files: { 'plan.md': 'top secret\n' },
    private: true,
  });
  await sim.createRepo({ owner: 'acme', name: 'gadgets' });
  sim.setPermission('acme/widgets', 'maria', 'maintain');
  sim.setPermission('acme/widgets', 'carol', 'triage');
  const { id: installationId } = await sim.installApp({
    app: 'agent-dispatch',
    account: 'acme',
    repositories: ['widgets', 'secret-plans'],
    sender: 'maria',
  });
  const tokenOctokit = (token: string) => new Octokit({ baseUrl: sim.apiUrl, auth: token, log: quiet });
  return {
    sim,
    app,
    installationId,
    receiver,
    appOctokit: new Octokit({
      baseUrl: sim.apiUrl,
      log: quiet,
      authStrategy: createAppAuth,
      auth: { appId: app.id, privateKey: app.privateKey },
    }),
    installationOctokit() {
      return new Octokit({
        baseUrl: sim.apiUrl,
        log: quiet,
        authStrategy: createAppAuth,
        auth: { appId: app.id, privateKey: app.privateKey, installationId },
      });
    },
    tokenOctokit,
    async close() {
      await sim.close();
      await receiver.close();
    },
  };
}
