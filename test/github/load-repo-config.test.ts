// `.github/agent.yml` through Probot's loader against the simulator: the repository's own file,
// the organization's defaults in its `.github` repository, `_extends`, and what the commenter is
// told when a file `_extends` names cannot be read. The App is installed on selected
// repositories only, and each file is read with a token for its own repository.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadRepoConfig } from '../../src/github/load-repo-config.ts';
import { createGitHubClients, type GitHubClients } from '../../src/github/octokit.ts';
import { type Simulator, startSimulator } from '../sim/index.ts';
import { createAppDatabase } from '../support/database.ts';
import { testLogger } from '../support/quiet-logger.ts';

const ORG_DEFAULTS = {
  'branch-prefix': 'org-agent/',
  'pull-request': { labels: ['org-default'] },
  engine: 'codex',
};

describe('loadRepoConfig', () => {
  let sim: Simulator;
  let db: Awaited<ReturnType<typeof createAppDatabase>>;
  let clients: GitHubClients;
  let installationId: number;
  const stop = new AbortController();

  async function repo(name: string, config?: Record<string, unknown>, path = '.github/agent.yml') {
    await sim.createRepo({
      owner: 'acme',
      name,
      ownerType: 'Organization',
      files: { 'README.md': '# r\n', ...(config && { [path]: stringify(config) }) },
    });
  }

  beforeAll(async () => {
    sim = await startSimulator();
    db = await createAppDatabase();
    const app = sim.registerApp({
      slug: 'agent-dispatch',
      permissions: { contents: 'write', issues: 'write' },
    });
    sim.addUser('admin');
    await repo('.github', ORG_DEFAULTS);
    await repo('own', { engine: 'gemini' });
    await repo('bare');
    await repo('extends', { _extends: '.github', engine: 'claude-code' });
    await repo('extends-missing-path', { _extends: '.github:conf/missing.yml' });
    await repo('extends-other-account', { _extends: 'someone-else/config' });
    await repo('extends-unknown-repo', { _extends: 'no-such-repo' });
    const installed = [
      'own',
      'bare',
      'extends',
      'extends-missing-path',
      'extends-other-account',
      'extends-unknown-repo',
    ];
    ({ id: installationId } = await sim.installApp({
      app: app.slug,
      account: 'acme',
      repositories: installed.map((name) => `acme/${name}`),
    }));
    clients = createGitHubClients(
      {
        appId: app.id,
        privateKey: app.privateKey,
        baseUrl: sim.apiUrl,
      },
      testLogger(),
      { pool: db.pool, limits: { perMinute: 1000, burst: 100, perHour: 100_000 }, signal: stop.signal },
    );
  }, 60_000);
  afterAll(async () => {
    stop.abort();
    await sim?.close();
    await db?.close();
  });

  const load = (name: string) => loadRepoConfig(clients.forConfig(installationId, 'acme'), 'acme', name);
  const issues = async (name: string) => {
    const loaded = await load(name);
    if (loaded.ok) throw new Error(`${name} loaded without problems`);
    return loaded.issues;
  };

  it("reads the repository's own file", async () => {
    expect(await load('own')).toMatchObject({
      ok: true,
      config: { engine: 'gemini', 'branch-prefix': 'agent/' },
    });
  });

  it('uses the defaults when the organization has none the App can read', async () => {
    expect(await load('bare')).toMatchObject({
      ok: true,
      config: { engine: 'claude-code', 'branch-prefix': 'agent/' },
    });
  });

  it('says so when _extends names the .github repository and the App is not installed there', async () => {
    expect(await issues('extends')).toEqual([
      {
        field: '_extends',
        message:
          '`acme/.github:.github/agent.yml` cannot be read: acme/.github does not exist or the App is not installed on it. Install the App on acme/.github (it reads the file with contents: read), or change `_extends`',
      },
    ]);
  });

  it('applies the organization defaults once the App is installed on the .github repository', async () => {
    await sim.changeInstallationRepos(installationId, { add: ['acme/.github'], sender: 'admin' });
    // _extends: the org's file first, the repository's own keys win.
    expect(await load('extends')).toMatchObject({
      ok: true,
      config: {
        engine: 'claude-code',
        'branch-prefix': 'org-agent/',
        'pull-request': { labels: ['org-default'] },
      },
    });
    // No file of its own: the org's `.github` defaults.
    expect(await load('bare')).toMatchObject({
      ok: true,
      config: { engine: 'codex', 'branch-prefix': 'org-agent/' },
    });
  });

  it.each([
    [
      'extends-missing-path',
      '`acme/.github:conf/missing.yml` does not exist; check the repository and path in `_extends`',
    ],
    [
      'extends-other-account',
      '`someone-else/config:.github/agent.yml` belongs to another account; `_extends` can name repositories of acme only',
    ],
    [
      'extends-unknown-repo',
      /^`acme\/no-such-repo:\.github\/agent\.yml` cannot be read: acme\/no-such-repo does not exist/,
    ],
  ])('points at _extends in %s', async (name, message) => {
    const [issue, ...more] = await issues(name);
    expect(more).toEqual([]);
    expect(issue?.field).toBe('_extends');
    expect(issue?.message).toMatch(message);
  });

  it('made no request GitHub would not know', () => {
    expect(sim.unexpectedRequests()).toEqual([]);
  });
});
