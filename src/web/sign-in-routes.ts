// Sign in with GitHub (the App's OAuth web flow, with state and PKCE), and sign out. A sign-in
// always makes a new session (the old cookie's session is deleted: no fixation); the session's id
// lives only in an HttpOnly, SameSite=Lax cookie (Secure and `__Host-` under https).
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../core/errors.ts';
import { GitHubAnswerError } from '../github/user-api.ts';
import { forgetRepoAccess } from '../store/web-access.ts';
import { createSession, deleteSession, saveSignIn, takeSignIn } from '../store/web-sessions.ts';
import { csrfProblem, sessionCookieName, viewerOf } from './authenticate.ts';
import { problemFromThrown, problemResponse } from './problem.ts';
import { hashId, pkceChallenge, randomId } from './secrets.ts';
import type { WebDeps } from './web-deps.ts';

export const SIGN_IN_PATH = '/auth/login';
export const CALLBACK_PATH = '/auth/callback';
export const SIGN_OUT_PATH = '/auth/logout';
const STATE_COOKIE = 'agent-dispatch-sign-in';

/** Only a path of this App: never another host (`//evil`, `/\evil`), never a URL. */
export function safeReturnTo(value: string | undefined): string {
  if (!value || value.length > 1000 || !value.startsWith('/') || /^\/[/\\]/.test(value)) return '/';
  return [...value].some((ch) => ch.charCodeAt(0) < 0x20) ? '/' : value;
}

/** One query parameter of the request (read from its URL). */
export function searchParam(c: Context, name: string): string | undefined {
  return new URL(c.req.url).searchParams.get(name) ?? undefined;
}

function cookieOptions(deps: WebDeps, path: string, maxAgeSeconds: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: deps.secure, path, maxAge: maxAgeSeconds };
}

async function startSignIn(deps: WebDeps, c: Context): Promise<Response> {
  const oauth = deps.config.web.oauth;
  if (!oauth) return problemResponse(c, new AppError('sign_in_unavailable', {}));
  const state = randomId();
  const verifier = randomId();
  await saveSignIn(deps.pool, hashId(state), {
    codeVerifier: verifier,
    returnTo: safeReturnTo(searchParam(c, 'return_to')),
  });
  setCookie(c, STATE_COOKIE, state, cookieOptions(deps, '/auth', 600));
  const authorize = new URL(`${deps.config.web.githubWebUrl}/login/oauth/authorize`);
  authorize.search = new URLSearchParams({
    client_id: oauth.clientId,
    redirect_uri: `${deps.config.publicUrl}${CALLBACK_PATH}`,
    state,
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: 'S256',
    allow_signup: 'false',
  }).toString();
  return c.redirect(authorize.toString(), 302);
}

async function finishSignIn(deps: WebDeps, c: Context): Promise<Response> {
  const failed = (reason: string) => problemResponse(c, new AppError('sign_in_failed', { reason }));
  if (!deps.config.web.oauth) return problemResponse(c, new AppError('sign_in_unavailable', {}));
  const error = searchParam(c, 'error');
  if (error) return failed(`GitHub answered ${error.slice(0, 100)}`);
  const state = searchParam(c, 'state');
  const code = searchParam(c, 'code');
  const expected = getCookie(c, STATE_COOKIE);
  deleteCookie(c, STATE_COOKIE, { path: '/auth', secure: deps.secure });
  if (!state || !code) return failed('the answer from GitHub has no code or state');
  if (!expected || expected !== state) return failed('it was started in another browser or tab');
  const signIn = await takeSignIn(deps.pool, hashId(state));
  if (!signIn) return failed('it took longer than 10 minutes, or was used already');
  let token: string;
  try {
    token = await deps.userApi.exchangeCode({
      code,
      redirectUri: `${deps.config.publicUrl}${CALLBACK_PATH}`,
      codeVerifier: signIn.codeVerifier,
    });
  } catch (error) {
    if (error instanceof GitHubAnswerError) return failed(error.message);
    throw error;
  }
  const user = await deps.userApi.user(token);
  if (!user) return failed('GitHub does not accept the token it gave');
  if (user.type !== 'User') return failed('only people can sign in');
  const cookie = sessionCookieName(deps.secure);
  const previous = getCookie(c, cookie);
  if (previous) await deleteSession(deps.pool, hashId(previous));
  const id = randomId();
  await createSession(deps.pool, hashId(id), {
    userId: user.id,
    login: user.login,
    tokenSealed: deps.sealer.seal(token),
    csrfToken: randomId(),
    expiresAt: new Date(Date.now() + deps.config.web.sessionTtlMs),
  });
  await forgetRepoAccess(deps.pool, user.id);
  setCookie(c, cookie, id, cookieOptions(deps, '/', Math.floor(deps.config.web.sessionTtlMs / 1000)));
  deps.log.info({ login: user.login }, 'signed in');
  return c.redirect(signIn.returnTo, 303);
}

async function signOut(deps: WebDeps, c: Context): Promise<Response> {
  const viewer = await viewerOf(deps, c);
  const refused = await csrfProblem(deps, c, { ...viewer, via: 'session' });
  if (refused) return problemResponse(c, refused);
  const cookie = sessionCookieName(deps.secure);
  const id = getCookie(c, cookie);
  if (id) await deleteSession(deps.pool, hashId(id));
  deleteCookie(c, cookie, { path: '/', secure: deps.secure });
  await forgetRepoAccess(deps.pool, viewer.userId);
  return (c.req.header('accept') ?? '').includes('text/html') ? c.redirect('/', 303) : c.body(null, 204);
}

export function mountSignInRoutes(app: Hono, deps: WebDeps): void {
  const guarded = (handler: (deps: WebDeps, c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      return await handler(deps, c);
    } catch (error) {
      if (!(error instanceof AppError)) deps.log.error({ err: error, path: c.req.path }, 'sign-in failed');
      return problemFromThrown(c, error);
    }
  };
  app.get(SIGN_IN_PATH, guarded(startSignIn));
  app.get(CALLBACK_PATH, guarded(finishSignIn));
  app.post(SIGN_OUT_PATH, guarded(signOut));
}
