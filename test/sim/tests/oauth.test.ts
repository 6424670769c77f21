// The simulator's OAuth web flow for GitHub Apps, as GitHub runs it: authorize redirects back with
// a one-time code and the state; the code exchange checks the client secret, the redirect URI and
// the PKCE verifier, answers errors with 200 and `error`; the token it gives lists the App's
// installations the user can reach (and only this App's), and a personal token cannot list them.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from './support/world.ts';

let world: World;
const CALLBACK = 'http://127.0.0.1:9/auth/callback';

beforeAll(async () => {
  world = await createWorld();
  world.sim.setCallbackUrls('agent-dispatch', [CALLBACK]);
}, 60_000);

afterAll(async () => {
  await world.close();
});

async function authorize(login: string, query: Record<string, string>) {
  const url = new URL(`${world.sim.url}/login/oauth/authorize`);
  url.search = new URLSearchParams({
    client_id: world.app.clientId,
    redirect_uri: CALLBACK,
    ...query,
  }).toString();
  return fetch(url, { redirect: 'manual', headers: { cookie: `sim_login=${login}` } });
}

async function exchange(fields: Record<string, string>) {
  const response = await fetch(`${world.sim.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: world.app.clientId, client_secret: world.app.clientSecret, ...fields }),
  });
  return (await response.json()) as Record<string, string>;
}

const challenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

describe('the OAuth web flow', () => {
  it('gives a one-time code for the signed-in user, and a user access token for it', async () => {
    const verifier = 'v'.repeat(43);
    const answer = await authorize('maria', {
      state: 's1',
      code_challenge: challenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(answer.status).toBe(302);
    const back = new URL(answer.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code')!;
    const token = await exchange({ code, redirect_uri: CALLBACK, code_verifier: verifier });
    expect(token).toMatchObject({ token_type: 'bearer', access_token: expect.stringMatching(/^ghu_/) });
    const { data: user } = await world.tokenOctokit(token.access_token!).rest.users.getAuthenticated();
    expect(user.login).toBe('maria');
    const { data: installations } = await world
      .tokenOctokit(token.access_token!)
      .rest.apps.listInstallationsForAuthenticatedUser();
    expect(installations.installations.map((i) => i.id)).toEqual([world.installationId]);
    expect(await exchange({ code, redirect_uri: CALLBACK, code_verifier: verifier })).toMatchObject({
      error: 'bad_verification_code',
    });
  });

  it('refuses a wrong verifier, secret or redirect URI, and an unregistered callback', async () => {
    const code = async () =>
      new URL(
        (
          await authorize('maria', { code_challenge: challenge('right'), code_challenge_method: 'S256' })
        ).headers.get('location')!,
      ).searchParams.get('code')!;
    expect(await exchange({ code: await code(), code_verifier: 'wrong' })).toMatchObject({
      error: 'bad_verification_code',
    });
    expect(
      await exchange({ code: await code(), client_secret: 'nope', code_verifier: 'right' }),
    ).toMatchObject({
      error: 'incorrect_client_credentials',
    });
    expect(
      await exchange({ code: await code(), redirect_uri: 'http://elsewhere/cb', code_verifier: 'right' }),
    ).toMatchObject({
      error: 'redirect_uri_mismatch',
    });
    expect((await authorize('maria', { redirect_uri: 'http://elsewhere/cb' })).status).toBe(400);
  });

  it('lists installations only for a user access token of an App', async () => {
    const personal = world.tokenOctokit(world.sim.userToken('maria'));
    const refused = await personal.rest.apps
      .listInstallationsForAuthenticatedUser()
      .catch((e: { status: number }) => e);
    expect(refused).toMatchObject({ status: 403 });
  });
});
