// Apps (`integration`), installations, and installation tokens.
import type { SimCore } from '../core.ts';
import { mustAccount } from '../state/store.ts';
import type { App, Installation } from '../state/types.ts';
import { userJson } from './user.ts';

export function appJson(core: SimCore, app: App) {
  let installations = 0;
  for (const installation of core.store.installations.values())
    if (installation.appId === app.id) installations++;
  return {
    id: app.id,
    slug: app.slug,
    node_id: app.nodeId,
    client_id: app.clientId,
    owner: userJson(core, mustAccount(core.store, app.ownerId)),
    name: app.name,
    description: '',
    external_url: `${core.url}/apps/${app.slug}`,
    html_url: `${core.url}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: { ...app.permissions },
    events: [...app.events],
    installations_count: installations,
  };
}

export function installationJson(core: SimCore, installation: Installation) {
  const app = core.store.apps.get(installation.appId);
  const account = mustAccount(core.store, installation.accountId);
  return {
    id: installation.id,
    client_id: app?.clientId,
    account: userJson(core, account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${core.apiUrl}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${core.apiUrl}/installation/repositories`,
    html_url: `${core.url}/settings/installations/${installation.id}`,
    app_id: installation.appId,
    app_slug: app?.slug ?? '',
    target_id: account.id,
    target_type: account.type === 'Organization' ? 'Organization' : 'User',
    permissions: { ...installation.permissions },
    events: [...installation.events],
    created_at: installation.createdAt,
    updated_at: installation.updatedAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [] as string[],
    suspended_by: null,
    suspended_at: null,
  };
}
