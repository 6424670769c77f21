// Test-facing setup: Apps, users, repositories, installations, permissions, environments, tokens.
import type { SimCore } from '../core.ts';
import { addAccount } from '../state/accounts.ts';
import {
  appBySlug,
  changeInstallationRepos,
  type InstallOptions,
  installApp,
  type RegisterAppOptions,
  registerApp,
  uninstallApp,
} from '../state/apps.ts';
import { type EnvironmentOptions, setEnvironment } from '../state/environments.ts';
import { type CreateRepoOptions, createRepo, setRole } from '../state/repos.ts';
import { accountByLogin, findRepo, fullName } from '../state/store.ts';
import type { Permissions, RepoRole } from '../state/types.ts';
import type { DeliveryRecord } from '../webhooks/delivery-log.ts';

export type RegisteredApp = {
  id: number;
  slug: string;
  privateKey: string;
  webhookSecret: string | null;
  botLogin: string;
  botId: number;
  /** OAuth credentials of the App (sign-in with GitHub). */
  clientId: string;
  clientSecret: string;
};
export type RepoHandle = {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  gitDir: string;
};

function mustUser(sim: SimCore, login: string) {
  const account = accountByLogin(sim.store, login);
  if (!account) throw new Error(`simulator: no user ${login}`);
  return account;
}

export function setupApi(sim: SimCore) {
  return {
    registerApp(options: RegisterAppOptions): RegisteredApp {
      const app = registerApp(sim, options);
      const bot = sim.store.accounts.get(app.botUserId);
      return {
        id: app.id,
        slug: app.slug,
        privateKey: app.privateKeyPem,
        webhookSecret: app.webhookSecret,
        botLogin: bot?.login ?? `${app.slug}[bot]`,
        botId: app.botUserId,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      };
    },
    /** Points an App's webhooks elsewhere (e.g. once the App's server has a port). */
    setWebhook(slug: string, webhook: { url?: string | null; secret?: string | null }) {
      const app = appBySlug(sim, slug);
      if (webhook.url !== undefined) app.webhookUrl = webhook.url;
      if (webhook.secret !== undefined) app.webhookSecret = webhook.secret;
    },
    addUser(login: string, fields: { name?: string; email?: string } = {}) {
      return addAccount(sim, login, 'User', fields);
    },
    addBot(login: string) {
      return addAccount(sim, login, 'Bot');
    },
    addOrg(login: string) {
      return addAccount(sim, login, 'Organization');
    },
    async createRepo(options: CreateRepoOptions): Promise<RepoHandle> {
      const repo = await createRepo(sim, options);
      const name = fullName(sim.store, repo);
      return {
        id: repo.id,
        owner: name.split('/')[0] ?? '',
        name: repo.name,
        fullName: name,
        defaultBranch: repo.defaultBranch,
        gitDir: repo.gitDir,
      };
    },
    async installApp(options: InstallOptions): Promise<{ id: number; deliveries: DeliveryRecord[] }> {
      const { installation, delivered } = installApp(sim, options);
      return { id: installation.id, deliveries: await delivered };
    },
    async uninstallApp(installationId: number): Promise<DeliveryRecord[]> {
      const installation = sim.store.installations.get(installationId);
      if (!installation) throw new Error(`simulator: no installation ${installationId}`);
      return uninstallApp(sim, installation);
    },
    async changeInstallationRepos(
      installationId: number,
      change: { add?: string[]; remove?: string[]; sender: string },
    ): Promise<DeliveryRecord[]> {
      const installation = sim.store.installations.get(installationId);
      if (!installation) throw new Error(`simulator: no installation ${installationId}`);
      return changeInstallationRepos(
        sim,
        installation,
        {
          add: (change.add ?? []).map((r) => findRepo(sim.store, r)),
          remove: (change.remove ?? []).map((r) => findRepo(sim.store, r)),
        },
        mustUser(sim, change.sender),
      );
    },
    setPermission(repo: string, login: string, role: RepoRole) {
      setRole(sim, findRepo(sim.store, repo), login, role);
    },
    removeCollaborator(repo: string, login: string) {
      setRole(sim, findRepo(sim.store, repo), login, 'none');
    },
    setEnvironment(repo: string, name: string, options: EnvironmentOptions = {}) {
      const environment = setEnvironment(sim, findRepo(sim.store, repo), name, options);
      return { id: environment.id, name: environment.name };
    },
    setVariable(repo: string, name: string, value: string) {
      findRepo(sim.store, repo).variables.set(name, value);
    },
    setSecret(repo: string, name: string, value: string) {
      findRepo(sim.store, repo).secrets.set(name, value);
    },
    /** Where the App's OAuth web flow may send users back. */
    setCallbackUrls(slug: string, urls: string[]) {
      appBySlug(sim, slug).callbackUrls = [...urls];
    },
    /** A user access token of an App for this user, as the OAuth web flow would give it. */
    appUserToken(login: string, slug: string): string {
      return sim.tokens.issueUserAccess(mustUser(sim, login).id, appBySlug(sim, slug).id).token;
    },
    /** A token acting as this user through REST (for actions a person takes, e.g. approving a deployment). */
    userToken(login: string): string {
      return sim.tokens.userToken(mustUser(sim, login).id).token;
    },
    /** An installation token minted directly (tests that do not exercise the App JWT flow). */
    installationToken(
      installationId: number,
      options: { repositoryIds?: number[]; permissions?: Permissions } = {},
    ): string {
      const installation = sim.store.installations.get(installationId);
      if (!installation) throw new Error(`simulator: no installation ${installationId}`);
      return sim.tokens.issueInstallation({
        installationId,
        appId: installation.appId,
        repositoryIds: options.repositoryIds ?? null,
        permissions: options.permissions ?? { ...installation.permissions },
        expiresAt: sim.clock.now() + 3600_000,
      }).token;
    },
    /**
     * Deliveries to the App fail while it is unreachable, as in an outage: GitHub records them as
     * failed, so the App's redelivery reconciler fetches them again at its next minute boundary.
     * A test that wants a genuine delivery the App never gets uses `divertWebhooks` instead.
     */
    setWebhookReachable(slug: string, reachable: boolean) {
      sim.webhooks.setReachable(appBySlug(sim, slug).id, reachable);
    },
    setRateLimit(limit: number, key?: string) {
      sim.rateLimits.setLimit(limit, key);
    },
  };
}
