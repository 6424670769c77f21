// Who is asking, and what they may see: the repositories of the App's installations that the
// user can access on GitHub (from the user's own token, cached briefly in Postgres), or all of
// them for an operator named in the configuration. A repository outside that set does not exist
// for the viewer (404, never 403).
import { AppError } from '../core/errors.ts';
import type { Task } from '../core/task/task.ts';
import { GitHubAnswerError, type UserRepo } from '../github/user-api.ts';
import { repoIdByName } from '../store/task-history.ts';
import { getTask } from '../store/tasks.ts';
import { cachedRepoAccess, rememberRepoAccess, type VisibleRepo } from '../store/web-access.ts';
import type { WebDeps } from './web-deps.ts';

export type Viewer = {
  userId: number;
  login: string;
  /** Named in OPERATORS: sees every repository and task. */
  operator: boolean;
  via: 'session' | 'token';
  /** The user's GitHub token (to ask GitHub what they may see). */
  token: string;
  /** The session's CSRF token (sessions only). */
  csrfToken?: string;
};

export function isOperator(deps: WebDeps, login: string): boolean {
  return deps.config.web.operators.some((name) => name.toLowerCase() === login.toLowerCase());
}

function roleOf(permissions: UserRepo['permissions']): VisibleRepo['role'] {
  if (permissions.admin) return 'admin';
  if (permissions.maintain) return 'maintain';
  if (permissions.push) return 'write';
  if (permissions.triage) return 'triage';
  return 'read';
}

/** The repositories the viewer may see (for an operator too: those GitHub lists for them). */
export async function visibleRepos(deps: WebDeps, viewer: Viewer): Promise<VisibleRepo[]> {
  const cached = await cachedRepoAccess(deps.pool, viewer.userId, deps.config.web.accessCacheMs);
  if (cached) return cached;
  let listed: UserRepo[];
  try {
    listed = await deps.userApi.repositories(viewer.token);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401)
      throw new AppError('unauthenticated', { reason: 'GitHub no longer accepts your token' });
    const reason =
      error instanceof GitHubAnswerError ? error.message : `GitHub answered ${status ?? 'nothing'}`;
    throw new AppError('github_unavailable', { reason }, { cause: error });
  }
  const repos = listed.map((repo) => ({
    id: repo.id,
    owner: repo.owner,
    name: repo.name,
    installationId: repo.installationId,
    private: repo.private,
    role: roleOf(repo.permissions),
  }));
  await rememberRepoAccess(deps.pool, viewer.userId, repos);
  return repos;
}

/** Repository ids to filter by; undefined for an operator (everything). */
export async function visibleRepoIds(deps: WebDeps, viewer: Viewer): Promise<number[] | undefined> {
  if (viewer.operator) return undefined;
  return (await visibleRepos(deps, viewer)).map((repo) => repo.id);
}

/** The id of a repository (`owner/name`, any case) the viewer may see; "not found" otherwise. */
export async function visibleRepoId(deps: WebDeps, viewer: Viewer, fullName: string): Promise<number> {
  const [owner = '', name = ''] = fullName.toLowerCase().split('/');
  const found = viewer.operator
    ? await repoIdByName(deps.pool, owner, name)
    : (await visibleRepos(deps, viewer)).find(
        (r) => r.owner.toLowerCase() === owner && r.name.toLowerCase() === name,
      )?.id;
  if (found === undefined) throw new AppError('not_found', { what: `Repository ${fullName}` });
  return found;
}

/** The task, if the viewer may see it; otherwise "not found" whether or not it exists. */
export async function visibleTask(deps: WebDeps, viewer: Viewer, taskId: number): Promise<Task> {
  const task = Number.isSafeInteger(taskId) && taskId > 0 ? await getTask(deps.pool, taskId) : undefined;
  if (task && (viewer.operator || (await visibleRepos(deps, viewer)).some((repo) => repo.id === task.repoId)))
    return task;
  throw new AppError('not_found', { what: `Task ${taskId}` });
}
