// What GitHub said about a user, remembered briefly: who a bearer token belongs to, and which
// repositories (with the user's role) the user may see through the App's installations.
import type { Queryable } from '../platform/db/pool.ts';

export type TokenOwner = { userId: number; login: string };

/** One repository a user may see, and what GitHub says the user may do there. */
export type VisibleRepo = {
  id: number;
  owner: string;
  name: string;
  installationId: number;
  private: boolean;
  /** GitHub's repository `permissions` for this user, folded to a role. */
  role: 'read' | 'triage' | 'write' | 'maintain' | 'admin';
};

export async function cachedTokenOwner(
  db: Queryable,
  tokenHash: string,
  maxAgeMs: number,
): Promise<TokenOwner | undefined> {
  const found = await db.query<{ user_id: string; login: string }>(
    `SELECT user_id, login FROM web_token_checks
      WHERE token_hash = $1 AND checked_at > now() - $2 * interval '1 millisecond'`,
    [tokenHash, maxAgeMs],
  );
  const row = found.rows[0];
  return row ? { userId: Number(row.user_id), login: row.login } : undefined;
}

export async function rememberTokenOwner(db: Queryable, tokenHash: string, owner: TokenOwner): Promise<void> {
  await db.query(
    `INSERT INTO web_token_checks (token_hash, user_id, login) VALUES ($1, $2, $3)
     ON CONFLICT (token_hash) DO UPDATE SET user_id = $2, login = $3, checked_at = now()`,
    [tokenHash, owner.userId, owner.login],
  );
}

export async function cachedRepoAccess(
  db: Queryable,
  userId: number,
  maxAgeMs: number,
): Promise<VisibleRepo[] | undefined> {
  const found = await db.query<{ repos: VisibleRepo[] }>(
    `SELECT repos FROM web_repo_access
      WHERE user_id = $1 AND fetched_at > now() - $2 * interval '1 millisecond'`,
    [userId, maxAgeMs],
  );
  return found.rows[0]?.repos;
}

export async function rememberRepoAccess(db: Queryable, userId: number, repos: VisibleRepo[]): Promise<void> {
  await db.query(
    `INSERT INTO web_repo_access (user_id, repos) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET repos = $2, fetched_at = now()`,
    [userId, JSON.stringify(repos)],
  );
}

/** Forgets what was cached for a user (sign-out, sign-in: the next request asks GitHub again). */
export async function forgetRepoAccess(db: Queryable, userId: number): Promise<void> {
  await db.query('DELETE FROM web_repo_access WHERE user_id = $1', [userId]);
}

/** Every repository the App has tasks in (what an operator sees). */
export async function reposWithTasks(db: Queryable): Promise<VisibleRepo[]> {
  const rows = await db.query<{
    repo_id: string;
    repo_owner: string;
    repo_name: string;
    installation_id: string;
  }>(
    `SELECT DISTINCT ON (repo_id) repo_id, repo_owner, repo_name, installation_id
       FROM tasks ORDER BY repo_id, id DESC`,
  );
  return rows.rows.map((r) => ({
    id: Number(r.repo_id),
    owner: r.repo_owner,
    name: r.repo_name,
    installationId: Number(r.installation_id),
    private: true,
    role: 'read' as const,
  }));
}
