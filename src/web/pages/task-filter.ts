// The task table's filters, read from the page's query (the same names as GET /api/v1/tasks:
// repository, state, requester, engine, q), turned into the store's filter, written back into
// links.
import type { TaskState } from '../../core/task/task-states.ts';
import type { TaskFilter } from '../../store/task-history.ts';
import { statesOf } from '../api/task-routes.ts';
import { type Viewer, visibleRepoId, visibleRepoIds } from '../viewer.ts';
import type { WebDeps } from '../web-deps.ts';

export type TaskQuery = {
  repository?: string;
  states?: TaskState[];
  requester?: string;
  engine?: string;
  q?: string;
};

const KEYS = ['repository', 'state', 'requester', 'engine', 'q'] as const;

function param(url: URL, name: string, max: number): string | undefined {
  const value = url.searchParams.get(name)?.trim();
  return value ? value.slice(0, max) : undefined;
}

export function readTaskQuery(url: URL): TaskQuery {
  const states = url.searchParams
    .getAll('state')
    .flatMap((s) => s.split(','))
    .filter(Boolean);
  const query: TaskQuery = {};
  const repository = param(url, 'repository', 200);
  if (repository) query.repository = repository;
  if (states.length > 0) query.states = statesOf(states.join(','));
  const requester = param(url, 'requester', 39);
  if (requester) query.requester = requester.replace(/^@/, '');
  const engine = param(url, 'engine', 50);
  if (engine) query.engine = engine;
  const q = param(url, 'q', 200);
  if (q) query.q = q;
  return query;
}

/** The query string of a filter, with changes (undefined removes a key). */
export function taskQueryString(
  query: TaskQuery,
  change: Partial<Record<(typeof KEYS)[number], string | undefined>> = {},
): string {
  const values: Record<string, string | undefined> = {
    repository: query.repository,
    state: query.states?.join(','),
    requester: query.requester,
    engine: query.engine,
    q: query.q,
  };
  const search = new URLSearchParams();
  for (const key of KEYS) {
    const value = key in change ? change[key] : values[key];
    if (value) search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The store's filter for what the viewer may see of this query (a repository they cannot see: not found). */
export async function storeFilter(
  deps: WebDeps,
  viewer: Viewer,
  query: TaskQuery,
): Promise<Omit<TaskFilter, 'limit'>> {
  const repoId = query.repository ? await visibleRepoId(deps, viewer, query.repository) : undefined;
  return {
    repoIds: repoId === undefined ? await visibleRepoIds(deps, viewer) : undefined,
    repoId,
    states: query.states,
    requester: query.requester,
    engine: query.engine,
    search: query.q,
  };
}

/** Whether a task belongs in the table of this filter (as the store would select it). */
