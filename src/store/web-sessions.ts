// Sign-in state: sign-ins under way (OAuth state and PKCE verifier) and sessions. Ids and states
// arrive here already hashed; the user's token arrives sealed (src/web/seal.ts).
import type { Queryable } from '../platform/db/pool.ts';

export type SignIn = { codeVerifier: string; returnTo: string };

export type SessionRow = {
  userId: number;
  login: string;
  tokenSealed: string;
  csrfToken: string;
  expiresAt: Date;
};

/** Sign-ins older than this are refused (and pruned). */
const SIGN_IN_MINUTES = 10;

export async function saveSignIn(db: Queryable, stateHash: string, signIn: SignIn): Promise<void> {
  await db.query('INSERT INTO web_sign_ins (state_hash, code_verifier, return_to) VALUES ($1, $2, $3)', [
    stateHash,
    signIn.codeVerifier,
    signIn.returnTo,
  ]);
}

/** The sign-in of this state, once: it is deleted as it is read. */
export async function takeSignIn(db: Queryable, stateHash: string): Promise<SignIn | undefined> {
  const taken = await db.query<{ code_verifier: string; return_to: string }>(
    `DELETE FROM web_sign_ins WHERE state_hash = $1 AND created_at > now() - $2 * interval '1 minute'
     RETURNING code_verifier, return_to`,
    [stateHash, SIGN_IN_MINUTES],
  );
  const row = taken.rows[0];
  return row ? { codeVerifier: row.code_verifier, returnTo: row.return_to } : undefined;
}

export async function createSession(db: Queryable, idHash: string, session: SessionRow): Promise<void> {
  await db.query(
    `INSERT INTO web_sessions (id_hash, user_id, login, token_sealed, csrf_token, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [idHash, session.userId, session.login, session.tokenSealed, session.csrfToken, session.expiresAt],
  );
}

/** A live session; `seen_at` is kept to the minute so reads do not write on every request. */
export async function findSession(db: Queryable, idHash: string): Promise<SessionRow | undefined> {
  const found = await db.query<{
    user_id: string;
    login: string;
    token_sealed: string;
    csrf_token: string;
    expires_at: Date;
  }>(
    `UPDATE web_sessions SET seen_at = now()
      WHERE id_hash = $1 AND expires_at > now()
      RETURNING user_id, login, token_sealed, csrf_token, expires_at`,
    [idHash],
  );
  const row = found.rows[0];
  if (!row) return undefined;
  return {
    userId: Number(row.user_id),
    login: row.login,
    tokenSealed: row.token_sealed,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM web_sessions WHERE id_hash = $1', [idHash]);
}

/** Expired sessions, stale sign-ins, old token checks. */
export async function pruneSignInState(db: Queryable): Promise<number> {
  const sessions = await db.query('DELETE FROM web_sessions WHERE expires_at < now()');
  const signIns = await db.query(
    `DELETE FROM web_sign_ins WHERE created_at < now() - $1 * interval '1 minute'`,
    [SIGN_IN_MINUTES],
  );
  const checks = await db.query(`DELETE FROM web_token_checks WHERE checked_at < now() - interval '1 day'`);
  const access = await db.query(`DELETE FROM web_repo_access WHERE fetched_at < now() - interval '1 day'`);
  return (sessions.rowCount ?? 0) + (signIns.rowCount ?? 0) + (checks.rowCount ?? 0) + (access.rowCount ?? 0);
}
