// URL builders shared by the serializers: API URLs under `${apiUrl}`, web URLs under `${url}`.
import type { SimCore } from '../core.ts';
import { fullName } from '../state/store.ts';
import type { Repo } from '../state/types.ts';

export function repoApi(core: SimCore, repo: Repo): string {
  return `${core.apiUrl}/repos/${fullName(core.store, repo)}`;
}

export function repoHtml(core: SimCore, repo: Repo): string {
  return `${core.url}/${fullName(core.store, repo)}`;
}
