// A checkout whose git configuration keeps a credential (actions/checkout's persisted token, a
// token in a remote URL) is never handed to the engine: the snapshot taken before the engine
// starts refuses it, naming the setting and the fix, never the secret.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionError } from '../../action/src/action-error.ts';
import { snapshotCheckout } from '../../action/src/changes/checkout-snapshot.ts';
import { credentialSettings } from '../../action/src/changes/persisted-credentials.ts';
import { createRepo, type TempDir, tempDir } from './support/git-repo.ts';

const TOKEN = 'ghs_persistedTokenOfTheJob0123456789';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

async function snapshot(repo: ReturnType<typeof createRepo>) {
  const stateDir = join(tmp.path, 'state');
  mkdirSync(stateDir, { recursive: true });
  return snapshotCheckout({ workingDirectory: repo.dir, baseSha: repo.sha, stateDir });
}

async function refusal(repo: ReturnType<typeof createRepo>): Promise<ActionError> {
  const error = await snapshot(repo).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ActionError);
  expect((error as ActionError).code).toBe('checkout-credentials');
  expect((error as ActionError).message).toContain('persist-credentials: false');
  expect((error as ActionError).message).not.toContain(TOKEN);
  expect((error as ActionError).message).not.toContain(BASIC);
  return error as ActionError;
}

describe('a checkout that keeps a credential', () => {
  it("is refused when actions/checkout persisted the job's token as an extra header (v4, v5)", async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    repo.git('config', '--local', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${BASIC}`);
    const error = await refusal(repo);
    expect(error.message).toContain('http.https://github.com/.extraheader');
  });

  it('is refused when the header sits in a file the configuration includes (checkout v6)', async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    const included = join(tmp.path, 'runner-temp', 'git-credentials-1.config');
    mkdirSync(join(tmp.path, 'runner-temp'));
    writeFileSync(included, `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${BASIC}\n`);
    repo.git('config', '--local', `includeIf.gitdir:${join(repo.dir, '.git')}.path`, included);
    await refusal(repo);
  });

  it('is refused when a remote or a rewrite rule holds a token in its URL', async () => {
    const inRemote = createRepo(tmp.path, { 'a.txt': 'a\n' }, 'remote');
    inRemote.git('remote', 'add', 'origin', `https://x-access-token:${TOKEN}@github.com/acme/widgets`);
    expect((await refusal(inRemote)).message).toContain('remote.origin.url');

    const inRewrite = createRepo(tmp.path, { 'a.txt': 'a\n' }, 'rewrite');
    inRewrite.git('config', '--local', `url.https://${TOKEN}@github.com/.insteadOf`, 'https://github.com/');
    expect((await refusal(inRewrite)).message).toContain('url.https://***@github.com/.insteadof');
  });

  it('is taken as it is without one: plain remotes, an ssh user, an empty header that clears one', async () => {
    const repo = createRepo(tmp.path, { 'a.txt': 'a\n' });
    repo.git('remote', 'add', 'origin', 'https://github.com/acme/widgets');
    repo.git('remote', 'add', 'mirror', 'ssh://git@github.com/acme/widgets.git');
    repo.git('config', '--local', 'http.https://github.com/.extraheader', '');
    await expect(snapshot(repo)).resolves.toMatchObject({ baseSha: repo.sha });
  });
});

describe('credential settings in a configuration listing', () => {
  it('names the settings, in any case, and only those', () => {
    const listing = [
      'core.bare\nfalse',
      'HTTP.https://ghe.example/.ExtraHeader\nAUTHORIZATION: bearer abc',
      'http.extraheader\nX-Token: abc',
      'remote.origin.url\nhttps://alice:s3cret@git.example/repo',
      'remote.fork.url\nhttps://github_pat_abc@github.com/acme/widgets',
      'remote.ssh.url\ngit@github.com:acme/widgets.git',
      'submodule.lib.url\nhttps://github.com/acme/lib',
    ].join('\0');
    expect(credentialSettings(`${listing}\0`)).toEqual([
      'HTTP.https://ghe.example/.ExtraHeader',
      'http.extraheader',
      'remote.origin.url',
      'remote.fork.url',
    ]);
  });
});
