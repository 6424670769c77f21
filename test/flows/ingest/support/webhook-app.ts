// The App's webhook endpoint on a fresh test database, with no workers (empty task list), so
// recorded deliveries and queued jobs stay visible in their tables.
import { sign } from '@octokit/webhooks-methods';
import type pg from 'pg';
import { type RunningApp, startApp } from '../../../../src/boot/start-app.ts';
import { TEST_WEBHOOK_SECRET, testAppConfig } from '../../../support/app-config.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../../../support/database.ts';
import { testLogger } from '../../../support/quiet-logger.ts';

export type WebhookApp = {
  app: RunningApp;
  db: TestDatabase;
  /** A connection pool of its own on the App's database. */
  sql: pg.Pool;
  post(body: string, headers: Record<string, string>): Promise<Response>;
  /** A delivery signed with the App's webhook secret. */
  signed(id: string, event: string, payload: object): Promise<Response>;
  stop(): Promise<void>;
};

export async function startWebhookApp(env: Record<string, string> = {}): Promise<WebhookApp> {
  const db = await createTestDatabase();
  const app = await startApp({
    config: testAppConfig(env),
    databaseUrl: db.url,
    log: testLogger(),
    tasks: () => ({}),
  });
  const sql = testPool(db.url);
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${app.url}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  return {
    app,
    db,
    sql,
    post,
    async signed(id, event, payload) {
      const body = JSON.stringify(payload);
      return post(body, {
        'x-github-event': event,
        'x-github-delivery': id,
        'x-hub-signature-256': await sign(TEST_WEBHOOK_SECRET, body),
      });
    },
    async stop() {
      await sql.end();
      await app.stop();
      await db.drop();
    },
  };
}
