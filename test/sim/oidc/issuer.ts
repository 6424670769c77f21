// An OpenID Connect issuer shaped like GitHub Actions' token.actions.githubusercontent.com:
// a discovery document, a JWKS, and RS256 ID tokens carrying the claims Actions puts in them.
// It serves nothing by itself: `handle` answers the two well-known paths under the issuer URL
// and the simulator's HTTP server calls it first for every request.
import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';

// The claims GitHub puts in an Actions OIDC token (docs: actions/reference/security/oidc).
// Ids are strings, as GitHub sends them.
export type ActionsOidcClaims = {
  sub: string;
  repository: string;
  repository_id: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_visibility: 'public' | 'private' | 'internal';
  run_id: string;
  run_number: string;
  run_attempt: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  environment?: string;
  environment_node_id?: string;
  ref: string;
  ref_type: 'branch' | 'tag';
  ref_protected?: string;
  head_ref?: string;
  base_ref?: string;
  sha: string;
  actor: string;
  actor_id: string;
  event_name: string;
  runner_environment: 'github-hosted' | 'self-hosted';
  check_run_id?: string;
};

export type MintOptions = {
  /** Lifetime from `iat`; negative values give an already expired token. Default 300. */
  expiresInSeconds?: number;
  /** `nbf` relative to now; positive values give a token that is not valid yet. Default -600. */
  notBeforeOffsetSeconds?: number;
  /** Header `kid` to claim instead of the current key's (hostile tests: an unknown kid). */
  kid?: string;
  /** `none` produces an unsigned token; `HS256` signs with the public key's PEM as an HMAC
   *  secret (the classic algorithm-confusion attack). Anything else signs RS256. */
  alg?: string;
  /** Sign with a key that was never published (with the current key's kid unless `kid` is set). */
  foreignKey?: boolean;
};

export type OidcIssuer = {
  issuer: string;
  jwksUri: string;
  handle(req: IncomingMessage, res: ServerResponse): boolean | Promise<boolean>;
  mint(claims: ActionsOidcClaims, audience: string, options?: MintOptions): Promise<string>;
  rotate(): Promise<void>;
};

// What token.actions.githubusercontent.com/.well-known/openid-configuration lists.
const CLAIMS_SUPPORTED = [
  'sub',
  'aud',
  'exp',
  'iat',
  'iss',
  'jti',
  'nbf',
  'ref',
  'sha',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'enterprise',
  'enterprise_id',
  'run_id',
  'run_number',
  'run_attempt',
  'actor',
  'actor_id',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'head_ref',
  'base_ref',
  'event_name',
  'ref_type',
  'ref_protected',
  'environment',
  'environment_node_id',
  'job_workflow_ref',
  'job_workflow_sha',
  'repository_visibility',
  'runner_environment',
  'issuer_scope',
  'check_run_id',
] as const;

type SigningKey = { kid: string; privateKey: CryptoKey; publicJwk: JWK; publicPem: string };

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'max-age=300',
  });
  res.end(text);
}

export async function createOidcIssuer(options: { issuer: string }): Promise<OidcIssuer> {
  const issuer = options.issuer.replace(/\/+$/, '');
  const issuerPath = new URL(issuer).pathname.replace(/\/+$/, '');
  const configPath = `${issuerPath}/.well-known/openid-configuration`;
  const jwksPath = `${issuerPath}/.well-known/jwks`;
  const jwksUri = `${issuer}/.well-known/jwks`;
  let current = await newSigningKey();
  let foreign: SigningKey | undefined;

  function discovery() {
    return {
      issuer,
      jwks_uri: jwksUri,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: CLAIMS_SUPPORTED,
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    };
  }

  return {
    issuer,
    jwksUri,
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://sim.invalid').pathname;
      if (path !== configPath && path !== jwksPath) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return true;
      }
      sendJson(res, 200, path === configPath ? discovery() : { keys: [current.publicJwk] });
      return true;
    },

    async mint(claims, audience, mintOptions = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        ...claims,
        jti: randomUUID(),
        iss: issuer,
        aud: audience,
        iat: now,
        nbf: now + (mintOptions.notBeforeOffsetSeconds ?? -600),
        exp: now + (mintOptions.expiresInSeconds ?? 300),
      };
      const kid = mintOptions.kid ?? current.kid;
      const alg = mintOptions.alg ?? 'RS256';
      if (alg === 'none' || alg === 'HS256') {
        const header = base64url(JSON.stringify({ typ: 'JWT', alg, kid }));
        const body = base64url(JSON.stringify(payload));
        if (alg === 'none') return `${header}.${body}.`;
        const mac = createHmac('sha256', current.publicPem).update(`${header}.${body}`).digest();
        return `${header}.${body}.${base64url(mac)}`;
      }
      let key = current;
      if (mintOptions.foreignKey) {
        foreign ??= await newSigningKey();
        key = foreign;
      }
      return new SignJWT(payload).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid }).sign(key.privateKey);
    },

    async rotate() {
      current = await newSigningKey();
    },
  };
}
