// `npm run doctor` as an operator runs it, against the simulator: the matrix of ✓/✗, each ✗ with
// its fix, for the deployment and for repositories set up well and badly.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { type Simulator, startSimulator } from '../sim/index.ts';
import type { RegisteredApp } from '../sim/scripting/setup.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { reservedPort } from '../support/ports.ts';
import { WORKFLOW_TEMPLATE } from '../support/system.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MANIFEST = parseYaml(readFileSync(path.join(ROOT, 'app.yml'), 'utf8')) as {
  default_permissions: Record<string, 'read' | 'write'>;
  default_events: string[];
};
const BAD_WORKFLOW = WORKFLOW_TEMPLATE.replace(
  '  workflow_dispatch:\n',
  '  pull_request_target:\n  workflow_dispatch:\n',
)
  .replace('      contents: read # check out the repository\n', '      contents: write\n')
  .replace(/ {10}ANTHROPIC_API_KEY: .*\n/, '');

type Run = { code: number | null; output: string };

function doctor(env: Record<string, string>, args: string[] = []): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-doctor-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'src/boot/doctor-cli.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, output });
    }),
  );
}

/** The matrix's line of one check: its mark and what was found, and its fix when it has one. */
function line(output: string, name: string): { mark: string; found: string; fix: string | undefined } {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => new RegExp(`^  [✓✗–] ${name.replace('.', '\\.')}\\s`).test(l));
  if (at < 0) throw new Error(`no line for ${name} in:\n${output}`);
  const text = lines[at] ?? '';
  const next = lines[at + 1] ?? '';
  return {
    mark: text.slice(2, 3),
    found: text.slice(4 + name.length).trim(),
    fix: /^\s+fix: /.test(next) ? next.replace(/^\s+fix: /, '') : undefined,
  };
}

function expectEveryFailureHasAFix(output: string): void {
  const lines = output.split('\n');
  lines.forEach((l, i) => {
    if (/^ {2}✗ /.test(l)) expect(lines[i + 1], l).toMatch(/^\s+fix: \S/);
  });
}

describe('npm run doctor', () => {
  let sim: Simulator;
  let db: TestDatabase;
  let app: RegisteredApp;
  let env: Record<string, string>;
  let publicUrl: string;
  let stray: Server;

  beforeAll(async () => {
    sim = await startSimulator();
    db = await createTestDatabase();
    const port = await reservedPort();
    publicUrl = `http://127.0.0.1:${port}`;
    // What listens at PUBLIC_URL: the App's webhook route answers 202, any other path 404.
    stray = createServer((req, res) =>
      res.writeHead(req.url === '/api/github/webhooks' ? 202 : 404).end(),
    ).listen(port, '127.0.0.1');
    await once(stray, 'listening');
    app = sim.registerApp({
      slug: 'agent-dispatch',
      webhookUrl: `${publicUrl}/api/github/webhooks`,
      webhookSecret: 'doctor-webhook-secret-0123',
      permissions: MANIFEST.default_permissions,
      events: MANIFEST.default_events,
    });
    sim.addUser('alice');
    await sim.createRepo({
      owner: 'acme',
      name: 'widgets',
      ownerType: 'Organization',
      files: {
        '.github/workflows/agent.yml': WORKFLOW_TEMPLATE,
        '.github/agent.yml': stringify({ engine: 'claude-code' }),
      },
    });
    sim.setEnvironment('acme/widgets', 'agent');
    await sim.createRepo({
      owner: 'acme',
      name: 'broken',
      files: {
        '.github/workflows/agent.yml': BAD_WORKFLOW,
        '.github/agent.yml': stringify({ engine: 'claude-code' }),
      },
    });
    await sim.createRepo({
      owner: 'acme',
      name: 'invalid',
      files: { '.github/agent.yml': 'engine: gpt-9\n' },
    });
    await sim.createRepo({ owner: 'acme', name: 'elsewhere', files: {} });
    await sim.installApp({
      app: app.slug,
      account: 'acme',
      repositories: ['acme/widgets', 'acme/broken', 'acme/invalid'],
    });
    env = {
      APP_ID: String(app.id),
      PRIVATE_KEY: app.privateKey,
      WEBHOOK_SECRET: 'doctor-webhook-secret-0123',
      GITHUB_API_URL: sim.apiUrl,
      PUBLIC_URL: publicUrl,
      DATABASE_URL: db.url,
    };
  }, 60_000);
  afterAll(async () => {
    stray?.close();
    await sim?.close();
    await db?.drop();
  });

  it('names pending migrations, and is all ✓ once they are applied and a repository is set up', async () => {
    const fresh = await doctor(env, ['--repo', 'acme/widgets']);
    expect(fresh.code).toBe(1);
    expect(line(fresh.output, 'Database')).toMatchObject({
      mark: '✗',
      fix: expect.stringContaining('npm run migrate'),
    });
    expect(line(fresh.output, 'Database').found).toContain('migrations not applied: 0001_initial');

    const migrate = spawn(process.execPath, [path.join(ROOT, 'src/boot/migrate-cli.ts')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    expect((await once(migrate, 'exit'))[0]).toBe(0);

    const good = await doctor(env, ['--repo', 'acme/widgets']);
    expect(good.output).not.toContain('✗');
    expect(good.code).toBe(0);
    for (const name of [
      'Configuration',
      'Database',
      'GitHub',
      'Webhook URL',
      'Deliveries',
      'Installations',
    ]) {
      expect(line(good.output, name).mark, name).toBe('✓');
    }
    for (const name of [
      'Installed',
      '.github/agent.yml',
      'Workflow',
      'App URL',
      'Engine key',
      'Environment',
    ]) {
      expect(line(good.output, name).mark, name).toBe('✓');
    }
    expect(line(good.output, 'Webhook URL').found).toBe(`${publicUrl}/api/github/webhooks`);
  }, 60_000);

  it('shows a webhook registered at the wrong URL, the deliveries that failed there, and how to fix both', async () => {
    // The registration of issue 12's report: the webhook at PUBLIC_URL/, which answers 404.
    sim.setWebhook(app.slug, { url: `${publicUrl}/` });
    await sim.createIssue({ repo: 'acme/widgets', user: 'alice', title: 'Hello' });
    await sim.createComment({ repo: 'acme/widgets', issue: 1, user: 'alice', body: '/agent hi' });
    await sim.idle();
    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(line(run.output, 'Webhook URL')).toEqual({
      mark: '✗',
      found: `GitHub delivers to ${publicUrl}/, the App listens at ${publicUrl}/api/github/webhooks`,
      fix: `set the App's webhook URL to ${publicUrl}/api/github/webhooks (App settings → Webhook URL), or run \`npm run doctor -- --fix-webhook\``,
    });
    const deliveries = line(run.output, 'Deliveries');
    expect(deliveries.mark).toBe('✗');
    expect(deliveries.found).toMatch(/^\d+ of \d+ in the last 24 h failed; latest: 404 for `issue_comment`/);
    expect(deliveries.fix).toContain('GitHub delivers where the App does not listen');
    expectEveryFailureHasAFix(run.output);

    const fixed = await doctor(env, ['--fix-webhook']);
    expect(fixed.output).toContain(
      `The App's webhook URL was ${publicUrl}/; it is now ${publicUrl}/api/github/webhooks.`,
    );
    expect(line(fixed.output, 'Webhook URL').mark).toBe('✓');
    const hook = await (
      await fetch(`${sim.apiUrl}/app/hook/config`, {
        headers: { authorization: `Bearer ${sim.core.tokens ? '' : ''}` },
      })
    ).status;
    expect(hook).toBe(401);
  }, 60_000);

  it.each([
    [
      'acme/broken',
      {
        Workflow:
          /pull_request_target.*asks for contents: write.*does not pass|also starts on `pull_request_target`/,
        'Engine key': /does not pass ANTHROPIC_API_KEY/,
        Environment: /`agent` does not exist/,
      },
    ],
    ['acme/invalid', { '.github/agent.yml': /`engine`: must be one of/ }],
    ['acme/elsewhere', { Installed: /not installed on acme\/elsewhere/ }],
  ])(
    'lists what is wrong with %s, each with its fix',
    async (repo, expected) => {
      const run = await doctor(env, ['--repo', repo]);
      expect(run.code).toBe(1);
      for (const [name, found] of Object.entries(expected)) {
        const check = line(run.output, name);
        expect(check.mark, name).toBe('✗');
        expect(check.found, name).toMatch(found);
        expect(check.fix, name).toMatch(/\S/);
      }
      expectEveryFailureHasAFix(run.output);
    },
    60_000,
  );

  it('says when GitHub refuses the App, and when the configuration is incomplete', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs1',
      format: 'pem',
    });
    const refused = await doctor({ ...env, PRIVATE_KEY: String(otherKey) });
    expect(line(refused.output, 'GitHub')).toMatchObject({
      mark: '✗',
      fix: expect.stringContaining('APP_ID and PRIVATE_KEY must belong to the same App'),
    });
    expect(line(refused.output, 'Webhook URL').mark).toBe('–');

    const incomplete = await doctor({ APP_ID: '12', DATABASE_URL: db.url });
    expect(incomplete.code).toBe(1);
    expect(line(incomplete.output, 'Configuration')).toMatchObject({
      mark: '✗',
      found: expect.stringContaining('PRIVATE_KEY: missing'),
    });
    expectEveryFailureHasAFix(incomplete.output);
  }, 60_000);
});
