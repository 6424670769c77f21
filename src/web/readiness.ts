// /readyz: ready when the database answers, every migration is applied, the queue runs and
// the App is not shutting down. Each check reports why it fails.

import type { Db } from '../platform/db/pool.ts';
import { pendingMigrations } from '../store/health.ts';

export type Readiness = { ready: boolean; checks: Record<string, string> };

export type ReadinessSources = {
  pool: Db;
  /** Undefined when this process runs no queue workers (the HTTP-only role). */
  queueRunning(): boolean | undefined;
  shuttingDown(): boolean;
};

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const checks: Record<string, string> = {};
  if (sources.shuttingDown()) checks.shutdown = 'shutting down';
  try {
    const pending = await withTimeout(pendingMigrations(sources.pool), 'the database');
    checks.database = 'ok';
    checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
  } catch (error) {
    checks.database = `unreachable: ${(error as Error).message}`;
    checks.migrations = 'unknown';
  }
  const queue = sources.queueRunning();
  if (queue !== undefined) checks.queue = queue ? 'ok' : 'not running';
  const ready = Object.entries(checks).every(([name, value]) => name !== 'shutdown' && value === 'ok');
  return { ready, checks };
}
