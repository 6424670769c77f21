// A transcript streams live: the job (the bundled action on the simulated runner) posts what the
// command prints to one App replica, and an SSE client connected to a second replica on the same
// Postgres receives it while the job is still running — redacted: a secret the job holds and a
// credential-shaped string it printed never leave the job.
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/boot/start-app.ts';
import { readConfig } from '../../src/platform/config/read-config.ts';
import { reservedPort } from '../support/ports.ts';
import { testLogger } from '../support/quiet-logger.ts';
import { type Stack, startStack } from '../support/stack.ts';

const PLANTED = 'plant-7f3c9a1e5b2d4c6e';
const FAKE_TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4).slice(0, 36)}`;
const AGENT = `#!/usr/bin/env bash
echo "step 1: reading the code"
sleep 2
echo "step 2: the key is ${PLANTED} and a token ${FAKE_TOKEN}"
sleep 2
echo "step 3: done"
echo hi > hello.txt
`;

type Received = {
  id: string;
  event: string;
  data: { event: { kind: string; text?: string } };
  taskState: string;
};

describe('live transcripts across replicas', () => {
  let stack: Stack;
  let second: RunningApp;
  beforeAll(async () => {
    stack = await startStack({ files: { 'agent.sh': AGENT } });
    stack.sim.setSecret(stack.repo.fullName, 'ANTHROPIC_API_KEY', PLANTED);
    const port = await reservedPort();
    const env = Object.fromEntries(
      Object.entries({
        APP_ID: String(stack.github.id),
        PRIVATE_KEY: stack.github.privateKey,
        WEBHOOK_SECRET: stack.github.webhookSecret!,
        GITHUB_API_URL: stack.sim.apiUrl,
        PUBLIC_URL: stack.config.publicUrl,
        PORT: String(port),
        OIDC_ISSUER: stack.sim.oidcIssuerUrl,
        LOG_LEVEL: 'silent',
      }),
    );
    const config = readConfig(env);
    if (!config.ok) throw new Error('bad config');
    second = await startApp({
      config: config.config,
      databaseUrl: stack.db.url,
      log: testLogger(),
      role: 'http',
    });
  }, 120_000);
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
  });

  it('reaches an SSE client of the other replica while the job runs, redacted', async () => {
    const issue = await stack.issue('Say hello');
    await stack.comment(issue, 'alice', '/agent say hello');
    const task = await stack.waitForTask((t) => t.issueNumber === issue, 'the task');
    const token = stack.sim.appUserToken('alice', 'agent-dispatch');
    const response = await fetch(`${second.url}/api/v1/tasks/${task.id}/transcript`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const received: Received[] = [];
    const reader = response
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && !received.some((r) => r.data.event.text?.includes('step 3'))) {
      const { value, done } = await reader.read();
      if (done) break;
      const state = (await stack.tasks()).find((t) => t.id === task.id)!.state;
      received.push({ id: value.id!, event: value.event!, data: JSON.parse(value.data), taskState: state });
    }
    await reader.cancel();
    const texts = received.map((r) => r.data.event.text ?? '').join('\n');
    expect(texts).toContain('step 1: reading the code');
    expect(texts).toContain('step 3: done');
    // Live: the first lines arrived while the job was still running.
    expect(received.find((r) => r.data.event.text?.includes('step 1'))!.taskState).toBe('running');
    expect(texts).not.toContain(PLANTED);
    expect(texts).not.toContain(FAKE_TOKEN);
    expect(texts).toContain('[redacted secret]');
    expect(texts).toContain('[redacted GitHub token]');
    expect(received.every((r) => r.event === 'transcript')).toBe(true);
    // Ids only grow: a client resumes after the last one it saw.
    const ids = received.map((r) => Number(r.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    const resumed = await fetch(`${second.url}/api/v1/tasks/${task.id}/transcript?after=${ids[0]}`, {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        'last-event-id': String(ids[0]),
      },
    });
    const again = resumed
      .body!.pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    const first = await again.read();
    expect(Number(first.value!.id)).toBe(ids[1]);
    await again.cancel();
    const stored = await stack.app.pool.query(
      `SELECT body::text AS body FROM transcript_events WHERE task_id = $1`,
      [task.id],
    );
    expect(stored.rows.map((r) => r.body).join('\n')).not.toContain(PLANTED);
  });
});
