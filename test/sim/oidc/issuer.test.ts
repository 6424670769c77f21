import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionsOidcClaims, createOidcIssuer, type OidcIssuer } from './issuer.ts';

const AUDIENCE = 'https://agent-dispatch.example';

const claims: ActionsOidcClaims = {
  sub: 'repo:octo-org/widgets:environment:agent',
  repository: 'octo-org/widgets',
  repository_id: '1296269',
  repository_owner: 'octo-org',
  repository_owner_id: '583231',
  repository_visibility: 'private',
  run_id: '30433642',
  run_number: '7',
  run_attempt: '1',
  workflow: 'Agent',
  workflow_ref: 'octo-org/widgets/.github/workflows/agent.yml@refs/heads/main',
  workflow_sha: 'a'.repeat(40),
  job_workflow_ref: 'octo-org/widgets/.github/workflows/agent.yml@refs/heads/main',
  job_workflow_sha: 'a'.repeat(40),
  environment: 'agent',
  ref: 'refs/heads/main',
  ref_type: 'branch',
  sha: 'a'.repeat(40),
  actor: 'octocat',
  actor_id: '1',
  event_name: 'workflow_dispatch',
  runner_environment: 'github-hosted',
};

let server: Server;
let issuer: OidcIssuer;
let jwksUri: URL;

beforeAll(async () => {
  let handler: OidcIssuer['handle'] = () => false;
  server = createServer(async (req, res) => {
    if (!(await handler(req, res))) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  issuer = await createOidcIssuer({ issuer: `http://127.0.0.1:${port}/_oidc` });
  handler = issuer.handle;
  const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  jwksUri = new URL(discovery.jwks_uri);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function verify(token: string, keys = createRemoteJWKSet(jwksUri), audience = AUDIENCE) {
  return jwtVerify(token, keys, { issuer: issuer.issuer, audience, algorithms: ['RS256'] });
}

describe('OIDC issuer', () => {
  it('serves a discovery document shaped like GitHub Actions', async () => {
    const response = await fetch(`${issuer.issuer}/.well-known/openid-configuration`);
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(body).toMatchObject({
      issuer: issuer.issuer,
      jwks_uri: `${issuer.issuer}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    });
    expect(body.claims_supported).toEqual(
      expect.arrayContaining(['repository_id', 'job_workflow_ref', 'jti']),
    );
  });

  it('leaves other paths to the caller', async () => {
    const response = await fetch(`${issuer.issuer}/something-else`);
    expect(response.status).toBe(404);
  });

  it('mints a token that verifies against the served JWKS with issuer and audience checked', async () => {
    const token = await issuer.mint(claims, AUDIENCE);
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ ...claims, iss: issuer.issuer, aud: AUDIENCE });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(typeof payload.jti).toBe('string');
  });

  it('gives every token its own jti', async () => {
    const a = await verify(await issuer.mint(claims, AUDIENCE));
    const b = await verify(await issuer.mint(claims, AUDIENCE));
    expect(a.payload.jti).not.toBe(b.payload.jti);
  });

  it('rejects a token minted for another audience', async () => {
    const token = await issuer.mint(claims, 'https://someone-else.example');
    await expect(verify(token)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
  });

  it('rejects an expired token', async () => {
    const token = await issuer.mint(claims, AUDIENCE, { expiresInSeconds: -60 });
    await expect(verify(token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('rejects a token that is not valid yet', async () => {
    const token = await issuer.mint(claims, AUDIENCE, { notBeforeOffsetSeconds: 600 });
    await expect(verify(token)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'nbf',
    });
  });

  it('after rotation, a verifier with a cached JWKS fails on new tokens until it refreshes', async () => {
    const keys = createRemoteJWKSet(jwksUri);
    const before = await issuer.mint(claims, AUDIENCE);
    await verify(before, keys);

    await issuer.rotate();
    const after = await issuer.mint(claims, AUDIENCE);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    await expect(verify(after, keys)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });

    await keys.reload();
    await expect(verify(after, keys)).resolves.toBeDefined();
    await expect(verify(before, keys)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('rejects hostile tokens: unsigned, unknown kid, foreign key, HMAC with the public key', async () => {
    const unsigned = await issuer.mint(claims, AUDIENCE, { alg: 'none' });
    expect(unsigned.endsWith('.')).toBe(true);
    await expect(verify(unsigned)).rejects.toThrow();

    const unknownKid = await issuer.mint(claims, AUDIENCE, { kid: 'not-a-published-key' });
    await expect(verify(unknownKid)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });

    const foreign = await issuer.mint(claims, AUDIENCE, { foreignKey: true });
    await expect(verify(foreign)).rejects.toMatchObject({ code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });

    const confused = await issuer.mint(claims, AUDIENCE, { alg: 'HS256' });
    expect(decodeProtectedHeader(confused).alg).toBe('HS256');
    await expect(verify(confused)).rejects.toThrow();
  });
});
