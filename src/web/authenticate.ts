// Every request but the health checks and the sign-in pages is someone's: a session (cookie) or
// a GitHub user token (`Authorization: Bearer`, checked with GitHub and remembered briefly).
// Requests that change something with a session also need the session's CSRF token and must come
// from the App's own origin; a bearer token is not ambient, so it needs neither.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AppError } from '../core/errors.ts';
import { cachedTokenOwner, rememberTokenOwner } from '../store/web-access.ts';
import { findSession } from '../store/web-sessions.ts';
import { problemResponse } from './problem.ts';
import { hashId } from './secrets.ts';
import { isOperator, type Viewer } from './viewer.ts';
import type { WebDeps } from './web-deps.ts';

export type WebEnv = { Variables: { viewer: Viewer } };

export const CSRF_HEADER = 'x-csrf-token';
/** The form field HTML forms (the dashboard) carry the CSRF token in. */
export const CSRF_FIELD = '_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCookieName(secure: boolean): string {
  // `__Host-`: the browser keeps it to this host, path /, Secure — no subdomain can set it.
  return secure ? '__Host-agent-dispatch-session' : 'agent-dispatch-session';
}

async function fromBearer(deps: WebDeps, token: string): Promise<Viewer> {
  const tokenHash = hashId(token);
  let owner = await cachedTokenOwner(deps.pool, tokenHash, deps.config.web.accessCacheMs);
  if (!owner) {
    let user: Awaited<ReturnType<WebDeps['userApi']['user']>>;
    try {
      user = await deps.userApi.user(token);
    } catch (error) {
      throw new AppError('github_unavailable', { reason: (error as Error).message }, { cause: error });
    }
    if (!user) throw new AppError('unauthenticated', { reason: 'GitHub does not accept this token' });
    if (user.type !== 'User')
      throw new AppError('unauthenticated', { reason: 'only people may use the API' });
    owner = { userId: user.id, login: user.login };
    await rememberTokenOwner(deps.pool, tokenHash, owner);
  }
  return { ...owner, operator: isOperator(deps, owner.login), via: 'token', token };
}

async function fromSession(deps: WebDeps, id: string): Promise<Viewer | undefined> {
  const session = await findSession(deps.pool, hashId(id));
  if (!session) return undefined;
  const token = deps.sealer.unseal(session.tokenSealed);
  if (token === undefined) return undefined;
  return {
    userId: session.userId,
    login: session.login,
    operator: isOperator(deps, session.login),
    via: 'session',
    token,
    csrfToken: session.csrfToken,
  };
}

export async function viewerOf(deps: WebDeps, c: Context): Promise<Viewer> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer) return fromBearer(deps, bearer);
  const id = getCookie(c, sessionCookieName(deps.secure));
  const viewer = id ? await fromSession(deps, id) : undefined;
  if (viewer) return viewer;
  throw new AppError('unauthenticated', {
    reason: id ? 'your session has ended' : 'this needs you to be signed in',
  });
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The refusal of a state-changing session request without the CSRF token or from elsewhere. */
export async function csrfProblem(deps: WebDeps, c: Context, viewer: Viewer): Promise<AppError | undefined> {
  if (viewer.via !== 'session' || SAFE_METHODS.has(c.req.method)) return undefined;
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(deps.config.publicUrl).origin)
    return new AppError('csrf_refused', {
      reason: `the request comes from another origin (${origin.slice(0, 100)})`,
    });
  if (c.req.header('sec-fetch-site') === 'cross-site')
    return new AppError('csrf_refused', { reason: 'the request comes from another site' });
  let sent = c.req.header(CSRF_HEADER);
  if (
    sent === undefined &&
    /^application\/x-www-form-urlencoded|^multipart\/form-data/.test(c.req.header('content-type') ?? '')
  ) {
    const field = (await c.req.parseBody())[CSRF_FIELD];
    if (typeof field === 'string') sent = field;
  }
  if (!sent || !viewer.csrfToken || !sameText(sent, viewer.csrfToken))
    return new AppError('csrf_refused', { reason: 'the CSRF token is missing or wrong' });
  return undefined;
}

/** Sets `viewer` for the routes after it, or answers 401/403 as a problem. */
export function requireViewer(deps: WebDeps): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    let viewer: Viewer;
    try {
      viewer = await viewerOf(deps, c);
    } catch (error) {
      if (error instanceof AppError) return problemResponse(c, error);
      throw error;
    }
    const refused = await csrfProblem(deps, c, viewer);
    if (refused) {
      deps.log.warn(
        { login: viewer.login, path: c.req.path, reason: refused.message },
        'request refused (CSRF)',
      );
      return problemResponse(c, refused);
    }
    c.set('viewer', viewer);
    await next();
  };
}
