// Every event GitHub sends, as @octokit/webhooks-examples, @octokit/webhooks-schemas and
// @octokit/webhooks name them, correctly signed: each answers 2xx and is recorded (queued when
// the App works on it, ignored otherwise). A signed delivery GitHub counts as failed would be
// asked for again and again by the redelivery reconciler.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { emitterEventNames } from '@octokit/webhooks';
import { sign } from '@octokit/webhooks-methods';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/boot/start-app.ts';
import { classifyDelivery } from '../../../src/core/ingest/classify-delivery.ts';
import { TEST_WEBHOOK_SECRET, testAppConfig } from '../../support/app-config.ts';
import { createTestDatabase, type TestDatabase, testPool } from '../../support/database.ts';
import { testLogger } from '../../support/quiet-logger.ts';

const require = createRequire(import.meta.url);
type ExampleSet = { name: string; examples: Record<string, unknown>[] };
const examples = require('@octokit/webhooks-examples') as ExampleSet[];
const schema = require('@octokit/webhooks-schemas') as { oneOf: { $ref: string }[] };

const fromSchema = schema.oneOf.map((entry) =>
  entry.$ref.replace('#/definitions/', '').replace(/[_$]event$/, ''),
);
const fromEmitter = emitterEventNames.map((name) => name.split('.')[0] as string);
const EVENT_NAMES = [...new Set([...examples.map((set) => set.name), ...fromSchema, ...fromEmitter])].sort();

/** Each example payload of every event; events without an example get a minimal body. */
const DELIVERIES = EVENT_NAMES.flatMap((event) => {
  const payloads = examples.find((set) => set.name === event)?.examples ?? [{ action: 'created' }];
  // Delivery ids as GitHub makes them (GUIDs).
  return payloads.map((payload) => ({ event, payload, id: randomUUID() }));
});

describe('every GitHub event, signed', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let sql: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startApp({
      config: testAppConfig(),
      databaseUrl: db.url,
      log: testLogger(),
      tasks: () => ({}),
    });
    sql = testPool(db.url);
  });
  afterAll(async () => {
    await sql?.end();
    await app?.stop();
    await db?.drop();
  });

  it('covers the events GitHub documents, those with digits in their name included', () => {
    expect(EVENT_NAMES).toEqual(
      expect.arrayContaining(['projects_v2_item', 'issue_comment', 'workflow_run']),
    );
    expect(EVENT_NAMES.length).toBeGreaterThanOrEqual(60);
    expect(DELIVERIES.length).toBeGreaterThan(EVENT_NAMES.length);
  });

  it('answers 2xx to each and records it as queued or ignored', async () => {
    const answers: { id: string; event: string; status: number; outcome: string }[] = [];
    for (const { event, payload, id } of DELIVERIES) {
      const body = JSON.stringify(payload);
      const response = await fetch(`${app.url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': id,
          'x-hub-signature-256': await sign(TEST_WEBHOOK_SECRET, body),
        },
        body,
      });
      const answer = (await response.json()) as { outcome?: string; error?: string };
      answers.push({ id, event, status: response.status, outcome: answer.outcome ?? String(answer.error) });
    }
    expect(answers.filter((a) => a.status < 200 || a.status > 299)).toEqual([]);

    const rows = await sql.query<{ delivery_id: string; outcome: string }>(
      'SELECT delivery_id, outcome FROM webhook_deliveries',
    );
    const recorded = new Map(rows.rows.map((row) => [row.delivery_id, row.outcome]));
    for (const { event, payload, id } of DELIVERIES) {
      const expected = classifyDelivery(event, payload) === 'process' ? 'pending' : 'ignored';
      expect({ id, outcome: recorded.get(id) }).toEqual({ id, outcome: expected });
    }
    expect(new Set(recorded.values())).toEqual(new Set(['pending', 'ignored']));
  }, 120_000);
});
