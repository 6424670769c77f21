// Deployment environments: required reviewers (with prevent-self-review), custom protection rules
// naming Apps, and environment secrets and variables released to a job after approval.
import type { SimCore } from '../core.ts';
import { appBySlug } from './apps.ts';
import { isoNow, nodeId } from './ids.ts';
import { accountByLogin } from './store.ts';
import type { Environment, Repo } from './types.ts';

export type EnvironmentOptions = {
  reviewers?: string[];
  preventSelfReview?: boolean;
  /** Slugs of Apps registered as custom deployment protection rules. */
  protectionRuleApps?: string[];
  secrets?: Record<string, string>;
  variables?: Record<string, string>;
};

export function findEnvironment(sim: SimCore, repo: Repo, name: string): Environment | undefined {
  for (const environment of sim.store.environments.values()) {
    if (environment.repoId === repo.id && environment.name.toLowerCase() === name.toLowerCase())
      return environment;
  }
  return undefined;
}

export function setEnvironment(
  sim: SimCore,
  repo: Repo,
  name: string,
  options: EnvironmentOptions = {},
): Environment {
  const now = isoNow(sim.clock.now());
  const reviewerIds = (options.reviewers ?? []).map((login) => {
    const account = accountByLogin(sim.store, login);
    if (!account) throw new Error(`simulator: no user ${login} to be a reviewer`);
    return account.id;
  });
  if (reviewerIds.length > 6) throw new Error('simulator: GitHub allows at most 6 required reviewers');
  const appIds = (options.protectionRuleApps ?? []).map((slug) => appBySlug(sim, slug).id);
  const existing = findEnvironment(sim, repo, name);
  const id = existing?.id ?? sim.store.ids.next('environment');
  const environment: Environment = {
    id,
    nodeId: nodeId('Environment', id),
    repoId: repo.id,
    name,
    reviewerIds,
    preventSelfReview: options.preventSelfReview ?? false,
    protectionRuleAppIds: appIds,
    secrets: { ...options.secrets },
    vars: { ...options.variables },
    protectionRuleIds: {
      reviewers: existing?.protectionRuleIds.reviewers ?? sim.store.ids.next('rule'),
      apps: new Map(
        appIds.map((appId) => [
          appId,
          existing?.protectionRuleIds.apps.get(appId) ?? sim.store.ids.next('rule'),
        ]),
      ),
    },
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  sim.store.environments.set(id, environment);
  return environment;
}
