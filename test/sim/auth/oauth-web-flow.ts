// GitHub's OAuth web flow for GitHub Apps on the web host: GET /login/oauth/authorize (the user
// is whoever the `sim_login` cookie names, standing in for GitHub's own session; without it, a
// sign-in form that sets it, as GitHub's login page would) redirects back with a one-time code; POST /login/oauth/access_token exchanges it (client secret, redirect URI
// and PKCE verifier checked) for a user access token of that App. Errors are answered as GitHub
// does: 200 with `error` and `error_description`.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimCore } from '../core.ts';
import { writeJson } from '../server/respond.ts';
import { accountByLogin } from '../state/store.ts';
import type { App } from '../state/types.ts';

type Grant = {
  appId: number;
  userId: number;
  redirectUri: string;
  challenge: string | null;
  expiresAt: number;
};

const grants = new WeakMap<SimCore, Map<string, Grant>>();
const CODE_TTL_MS = 10 * 60_000;

function grantsOf(core: SimCore): Map<string, Grant> {
  let map = grants.get(core);
  if (!map) {
    map = new Map();
    grants.set(core, map);
  }
  return map;
}

function appByClientId(core: SimCore, clientId: string | null): App | undefined {
  for (const app of core.store.apps.values()) if (app.clientId === clientId) return app;
  return undefined;
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function page(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

const SIGN_IN = '/login/oauth/sign-in';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** GitHub's sign-in page, simulated: a login to act as (no password), then back to `return_to`. */
function signInForm(res: ServerResponse, returnTo: string) {
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to GitHub (simulator)</title></head>
<body><main><h1>Sign in to GitHub</h1><p>The GitHub simulator: sign in as any user it knows.</p>
<form method="post" action="${SIGN_IN}"><label>Username <input name="login" autocomplete="username" required></label>
<input type="hidden" name="return_to" value="${escapeHtml(returnTo)}"><button type="submit">Sign in</button></form></main></body></html>`);
}

/** Sets the `sim_login` cookie (POST from the form, or GET with `login` for a link) and goes back. */
function signIn(core: SimCore, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) {
  const fields = req.method === 'POST' ? fieldsOf(req, body) : Object.fromEntries(url.searchParams);
  const user = fields.login ? accountByLogin(core.store, fields.login) : undefined;
  if (user?.type !== 'User') return signInForm(res, fields.return_to ?? '/');
  const back = fields.return_to && /^https?:\/\//.test(fields.return_to) ? fields.return_to : '/';
  res.writeHead(302, {
    location: back,
    'set-cookie': `sim_login=${encodeURIComponent(user.login)}; Path=/; HttpOnly; SameSite=Lax`,
  });
  res.end();
}

function authorize(core: SimCore, req: IncomingMessage, res: ServerResponse, url: URL) {
  const app = appByClientId(core, url.searchParams.get('client_id'));
  if (!app) return page(res, 404, 'Not Found: no application with this client_id');
  const redirectUri = url.searchParams.get('redirect_uri') ?? app.callbackUrls[0] ?? '';
  if (!app.callbackUrls.includes(redirectUri))
    return page(res, 400, 'The redirect_uri MUST match the registered callback URL for this application.');
  const login = cookie(req, 'sim_login');
  const user = login ? accountByLogin(core.store, login) : undefined;
  if (user?.type !== 'User') return signInForm(res, url.toString());
  const method = url.searchParams.get('code_challenge_method');
  const challenge = url.searchParams.get('code_challenge');
  if (challenge && method !== 'S256') return page(res, 400, 'code_challenge_method must be S256');
  const code = randomBytes(10).toString('hex');
  grantsOf(core).set(code, {
    appId: app.id,
    userId: user.id,
    redirectUri,
    challenge,
    expiresAt: core.clock.now() + CODE_TTL_MS,
  });
  const back = new URL(redirectUri);
  back.searchParams.set('code', code);
  const state = url.searchParams.get('state');
  if (state !== null) back.searchParams.set('state', state);
  res.writeHead(302, { location: back.toString() });
  res.end();
}

function fieldsOf(req: IncomingMessage, body: Buffer): Record<string, string> {
  const text = body.toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    const parsed = JSON.parse(text || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function oauthError(res: ServerResponse, error: string, description: string) {
  writeJson(res, 200, {
    error,
    error_description: description,
    error_uri:
      'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
  });
}

function exchange(core: SimCore, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const fields = fieldsOf(req, body);
  const app = appByClientId(core, fields.client_id ?? null);
  if (!app || fields.client_secret !== app.clientSecret)
    return oauthError(
      res,
      'incorrect_client_credentials',
      'The client_id and/or client_secret passed are incorrect.',
    );
  const code = fields.code ?? '';
  const grant = grantsOf(core).get(code);
  grantsOf(core).delete(code);
  if (!grant || grant.appId !== app.id || grant.expiresAt <= core.clock.now())
    return oauthError(res, 'bad_verification_code', 'The code passed is incorrect or expired.');
  if (fields.redirect_uri !== undefined && fields.redirect_uri !== grant.redirectUri)
    return oauthError(
      res,
      'redirect_uri_mismatch',
      'The redirect_uri MUST match the registered callback URL for this application.',
    );
  if (grant.challenge !== null) {
    const verifier = fields.code_verifier ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
      return oauthError(res, 'bad_verification_code', 'The code passed is incorrect or expired.');
  }
  const token = core.tokens.issueUserAccess(grant.userId, app.id);
  const answer = { access_token: token.token, token_type: 'bearer', scope: '' };
  if ((req.headers.accept ?? '').includes('application/json')) return writeJson(res, 200, answer);
  res.writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
  res.end(new URLSearchParams(answer).toString());
}

export function serveOAuth(core: SimCore, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) {
  if (url.pathname === '/login/oauth/authorize' && req.method === 'GET')
    return authorize(core, req, res, url);
  if (url.pathname === '/login/oauth/access_token' && req.method === 'POST')
    return exchange(core, req, res, body);
  if (url.pathname === SIGN_IN) return signIn(core, req, res, url, body);
  writeJson(res, 404, { message: 'Not Found' });
}
