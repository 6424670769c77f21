// Registering GitHub Apps (the simulator makes the key pair, as GitHub does) and installing them.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { SimCore } from '../core.ts';
import { installationJson } from '../serialize/apps.ts';
import { repositoryJson } from '../serialize/repository.ts';
import type { DeliveryRecord } from '../webhooks/delivery-log.ts';
import { addAccount } from './accounts.ts';
import { isoNow, nodeId } from './ids.ts';
import { accountByLogin, findRepo } from './store.ts';
import type { Account, App, Installation, Permissions, Repo } from './types.ts';

export type RegisterAppOptions = {
  slug: string;
  name?: string;
  owner?: string;
  webhookUrl?: string | null;
  webhookSecret?: string | null;
  permissions?: Permissions;
  events?: string[];
  callbackUrls?: string[];
};

export function registerApp(sim: SimCore, options: RegisterAppOptions): App {
  const owner = addAccount(sim, options.owner ?? 'app-owner', 'User');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const id = sim.store.ids.next('app');
  const bot = addAccount(sim, `${options.slug}[bot]`, 'Bot');
  const app: App = {
    id,
    slug: options.slug,
    name: options.name ?? options.slug,
    nodeId: nodeId('App', id),
    clientId: `Iv1.${id.toString(16).padStart(16, '0')}`,
    clientSecret: randomBytes(20).toString('hex'),
    callbackUrls: options.callbackUrls ?? [],
    ownerId: owner.id,
    privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey,
    webhookUrl: options.webhookUrl ?? null,
    webhookSecret: options.webhookSecret ?? null,
    hookId: sim.store.ids.next('hook'),
    permissions: { metadata: 'read', ...options.permissions },
    events: options.events ?? [],
    botUserId: bot.id,
    createdAt: isoNow(sim.clock.now()),
  };
  sim.store.apps.set(id, app);
  return app;
}

export function appBySlug(sim: SimCore, slug: string): App {
  for (const app of sim.store.apps.values()) if (app.slug === slug) return app;
  throw new Error(`simulator: no app ${slug}`);
}

export type InstallOptions = {
  app: string;
  account: string;
  repositories?: string[] | 'all';
  permissions?: Permissions;
  events?: string[];
  sender?: string;
};

function requireAccount(sim: SimCore, login: string): Account {
  const account = accountByLogin(sim.store, login);
  if (!account) throw new Error(`simulator: no account ${login}`);
  return account;
}

export function installApp(
  sim: SimCore,
  options: InstallOptions,
): { installation: Installation; delivered: Promise<DeliveryRecord[]> } {
  const app = appBySlug(sim, options.app);
  const account = requireAccount(sim, options.account);
  const selection = options.repositories ?? 'all';
  const repos: Repo[] =
    selection === 'all'
      ? []
      : selection.map((name) => findRepo(sim.store, name.includes('/') ? name : `${account.login}/${name}`));
  const now = isoNow(sim.clock.now());
  const installation: Installation = {
    id: sim.store.ids.next('installation'),
    appId: app.id,
    accountId: account.id,
    repositorySelection: selection === 'all' ? 'all' : 'selected',
    repositoryIds: new Set(repos.map((repo) => repo.id)),
    permissions: { metadata: 'read', ...(options.permissions ?? app.permissions) },
    events: options.events ?? [...app.events],
    createdAt: now,
    updatedAt: now,
  };
  sim.store.installations.set(installation.id, installation);
  const sender = options.sender
    ? requireAccount(sim, options.sender)
    : account.type === 'User'
      ? account
      : requireAccount(sim, 'app-owner');
  const covered = coveredRepos(sim, installation);
  const delivered = sim.webhooks.emit({
    event: 'installation',
    action: 'created',
    repo: null,
    sender,
    installation,
    build: () => ({
      installation: installationJson(sim, installation),
      repositories: covered.map((repo) => repoLite(sim, repo)),
      requester: null,
    }),
  });
  return { installation, delivered };
}

export function coveredRepos(sim: SimCore, installation: Installation): Repo[] {
  return [...sim.store.repos.values()].filter(
    (repo) =>
      repo.ownerId === installation.accountId &&
      (installation.repositorySelection === 'all' || installation.repositoryIds.has(repo.id)),
  );
}

export function repoLite(sim: SimCore, repo: Repo) {
  const full = repositoryJson(sim, repo);
  return {
    id: full.id,
    node_id: full.node_id,
    name: full.name,
    full_name: full.full_name,
    private: full.private,
  };
}

export function uninstallApp(
  sim: SimCore,
  installation: Installation,
  senderLogin?: string,
): Promise<DeliveryRecord[]> {
  const account = sim.store.accounts.get(installation.accountId);
  const sender = senderLogin ? requireAccount(sim, senderLogin) : account;
  if (!sender) throw new Error('simulator: installation has no account');
  const snapshot = installationJson(sim, installation);
  const covered = coveredRepos(sim, installation);
  const delivered = sim.webhooks.emit({
    event: 'installation',
    action: 'deleted',
    repo: null,
    sender,
    installation,
    build: () => ({
      installation: snapshot,
      repositories: covered.map((repo) => repoLite(sim, repo)),
      requester: null,
    }),
  });
  return delivered.finally(() => sim.store.installations.delete(installation.id));
}

export function changeInstallationRepos(
  sim: SimCore,
  installation: Installation,
  change: { add?: Repo[]; remove?: Repo[] },
  sender: Account,
): Promise<DeliveryRecord[]> {
  if (installation.repositorySelection === 'all')
    throw new Error('simulator: installation covers all repositories');
  const added = (change.add ?? []).filter((repo) => !installation.repositoryIds.has(repo.id));
  const removed = (change.remove ?? []).filter((repo) => installation.repositoryIds.has(repo.id));
  for (const repo of added) installation.repositoryIds.add(repo.id);
  const action = added.length > 0 ? 'added' : 'removed';
  const delivered = sim.webhooks.emit({
    event: 'installation_repositories',
    action,
    repo: null,
    sender,
    installation,
    build: () => ({
      installation: installationJson(sim, installation),
      repository_selection: installation.repositorySelection,
      repositories_added: added.map((repo) => repoLite(sim, repo)),
      repositories_removed: removed.map((repo) => repoLite(sim, repo)),
      requester: null,
    }),
  });
  for (const repo of removed) installation.repositoryIds.delete(repo.id);
  return delivered;
}
