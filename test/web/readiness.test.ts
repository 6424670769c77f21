import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/boot/start-app.ts';
import { type RunningPostgres, startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres.ts';
import { testAppConfig } from '../support/app-config.ts';
import { reservedPort } from '../support/ports.ts';
import { testLogger } from '../support/quiet-logger.ts';

async function readyz(app: RunningApp) {
  const response = await fetch(`${app.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
}

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen; last: ${JSON.stringify(last)}`);
}

// This file owns its own PostgreSQL server, because it stops and restarts it.
describe('readiness across a database outage', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-dispatch-readiness-'));
  let postgres: RunningPostgres;
  let app: RunningApp;

  beforeAll(async () => {
    // Restarted on the same port below: a port nobody else is handed in between.
    postgres = await startEmbeddedPostgres({ dir, ephemeral: true, port: await reservedPort() });
    app = await startApp({
      config: testAppConfig(),
      databaseUrl: postgres.url,
      log: testLogger(),
    });
  });
  afterAll(async () => {
    try {
      await app?.stop();
    } finally {
      await postgres?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers /healthz while the process runs', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it('is ready with the database up, migrations applied and the queue running', async () => {
    const { status, body } = await readyz(app);
    expect(status).toBe(200);
    expect(body.checks).toEqual({ database: 'ok', migrations: 'ok', queue: 'ok' });
  });

  it('turns 503 when the database goes away and 200 when it returns', async () => {
    await postgres.stop();
    const down = await eventually(
      () => readyz(app),
      (r) => r.status === 503,
      'readiness 503',
    );
    expect(down.body.checks.database).toMatch(/^unreachable/);
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);

    postgres = await startEmbeddedPostgres({ dir, port: postgres.port, ephemeral: true });
    const up = await eventually(
      () => readyz(app),
      (r) => r.status === 200,
      'readiness 200',
    );
    expect(up.body.checks).toEqual({ database: 'ok', migrations: 'ok', queue: 'ok' });
  });

  it('turns 503 once shutdown begins', async () => {
    const stopping = app.stop();
    const readiness = await app.readiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.shutdown).toBe('shutting down');
    await stopping;
  });
});
