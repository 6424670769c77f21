import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/world.ts';

let world: World;

beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world.close();
});

async function appJwt(claims: { iat: number; exp?: number; iss?: string | number }, key?: string) {
  const { createPrivateKey } = await import('node:crypto');
  const privateKey = createPrivateKey(key ?? world.app.privateKey);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuedAt(claims.iat)
    .setIssuer(String(claims.iss ?? world.app.id));
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(privateKey);
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

const now = () => Math.floor(Date.now() / 1000);

describe('App JWT', () => {
  it('accepts a JWT signed with the App key and answers GET /app', async () => {
    const { data } = await world.appOctokit.rest.apps.getAuthenticated();
    expect(data?.slug).toBe('agent-dispatch');
    expect(data?.id).toBe(world.app.id);
  });

  it.each([
    ['expiring more than 10 minutes after it was issued', { iat: now() - 10, exp: now() + 900 }],
    ['issued in the future', { iat: now() + 300, exp: now() + 500 }],
    ['already expired', { iat: now() - 700, exp: now() - 100 }],
    ['without an expiry', { iat: now() - 10 }],
  ])('refuses a JWT %s with 401', async (_name, claims) => {
    const token = await appJwt(claims);
    const response = await fetch(`${world.sim.apiUrl}/app`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
  });

  it('refuses a JWT signed by another key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await appJwt(
      { iat: now() - 30, exp: now() + 500 },
      privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    );
    const response = await fetch(`${world.sim.apiUrl}/app`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
  });

  it('refuses an installation token on an App route', async () => {
    const token = world.sim.installationToken(world.installationId);
    expect(await status(world.tokenOctokit(token).rest.apps.getAuthenticated())).toBe(401);
  });
});

describe('installation tokens', () => {
  it('are minted with the requested repositories and permissions and expire in an hour', async () => {
    const { data, status: code } = await world.appOctokit.rest.apps.createInstallationAccessToken({
      installation_id: world.installationId,
      repositories: ['widgets'],
      permissions: { issues: 'write' },
    });
    expect(code).toBe(201);
    expect(data.permissions).toEqual({ issues: 'write' });
    expect(data.repositories?.map((repo) => repo.full_name)).toEqual(['acme/widgets']);
    const lifetime = Date.parse(data.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(59 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
  });

  it('refuses a permission the installation was not granted with 422', async () => {
    const code = await status(
      world.appOctokit.rest.apps.createInstallationAccessToken({
        installation_id: world.installationId,
        permissions: { workflows: 'write' },
      }),
    );
    expect(code).toBe(422);
  });

  it('refuses a repository outside the installation with 422', async () => {
    const code = await status(
      world.appOctokit.rest.apps.createInstallationAccessToken({
        installation_id: world.installationId,
        repositories: ['gadgets'],
      }),
    );
    expect(code).toBe(422);
  });

  it('scoped to one repository cannot touch another repository', async () => {
    const { data } = await world.appOctokit.rest.apps.createInstallationAccessToken({
      installation_id: world.installationId,
      repositories: ['widgets'],
    });
    const octokit = world.tokenOctokit(data.token);
    await expect(octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' })).resolves.toMatchObject({
      status: 200,
    });
    const error = await octokit.rest.issues
      .create({ owner: 'acme', repo: 'gadgets', title: 'nope' })
      .catch((caught: { status: number; response: { data: unknown } }) => caught);
    expect(error).toMatchObject({
      status: 403,
      response: { data: { message: 'Resource not accessible by integration' } },
    });
    expect(await status(octokit.rest.repos.get({ owner: 'acme', repo: 'secret-plans' }))).toBe(404);
  });

  it('without a permission gets 403 Resource not accessible by integration', async () => {
    const { data } = await world.appOctokit.rest.apps.createInstallationAccessToken({
      installation_id: world.installationId,
      permissions: { contents: 'read' },
    });
    const error = await world
      .tokenOctokit(data.token)
      .rest.issues.create({ owner: 'acme', repo: 'widgets', title: 'nope' })
      .catch((caught: { status: number; response: { data: Record<string, unknown> } }) => caught);
    expect(error).toMatchObject({ status: 403 });
    expect((error as { response: { data: Record<string, unknown> } }).response.data).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest',
      status: '403',
    });
  });

  it('answers 401 Bad credentials for an unknown token', async () => {
    expect(
      await status(world.tokenOctokit('ghs_unknown').rest.repos.get({ owner: 'acme', repo: 'widgets' })),
    ).toBe(401);
  });

  it('finds the installation of a repository with the App JWT', async () => {
    const { data } = await world.appOctokit.rest.apps.getRepoInstallation({ owner: 'acme', repo: 'widgets' });
    expect(data.id).toBe(world.installationId);
    expect(
      await status(world.appOctokit.rest.apps.getRepoInstallation({ owner: 'acme', repo: 'gadgets' })),
    ).toBe(404);
  });
});

describe('collaborator permission', () => {
  it.each([
    ['maria', 'write', 'maintain'],
    ['carol', 'read', 'triage'],
    ['acme', 'admin', 'admin'],
  ])('reports %s as %s with role %s', async (login, permission, role) => {
    const octokit = world.installationOctokit();
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: 'acme',
      repo: 'widgets',
      username: login,
    });
    expect(data.permission).toBe(permission);
    expect(data.role_name).toBe(role);
    expect(data.user?.login).toBe(login);
  });

  it('reports a user who is not a collaborator of a private repository as none', async () => {
    const { data } = await world
      .installationOctokit()
      .rest.repos.getCollaboratorPermissionLevel({ owner: 'acme', repo: 'secret-plans', username: 'carol' });
    expect(data.permission).toBe('none');
  });
});

describe('user tokens', () => {
  it('act with the user’s role: a triager cannot create labels on a private repository', async () => {
    world.sim.setPermission('acme/secret-plans', 'carol', 'read');
    const octokit = world.tokenOctokit(world.sim.userToken('carol'));
    expect(
      await status(octokit.rest.issues.createLabel({ owner: 'acme', repo: 'secret-plans', name: 'x' })),
    ).toBe(403);
    world.sim.removeCollaborator('acme/secret-plans', 'carol');
    expect(await status(octokit.rest.repos.get({ owner: 'acme', repo: 'secret-plans' }))).toBe(404);
  });
});
