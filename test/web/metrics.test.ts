// /metrics: Prometheus text, only with the metrics token on the main listener (or on a listener
// of its own), with what the App did: webhooks, task transitions and states, jobs, GitHub requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservedPort } from '../support/ports.ts';
import { type Stack, startStack } from '../support/stack.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
let stack: Stack;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await reservedPort();
  stack = await startStack({
    files: { 'agent.sh': 'echo hi > hi.txt\n' },
    env: { METRICS_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) },
  });
  const issue = await stack.issue('Say hi');
  await stack.comment(issue, 'alice', '/agent say hi');
  await stack.waitForTask((t) => t.state === 'succeeded', 'the task to succeed', 60_000);
  // The task is succeeded inside the publish job, whose duration is observed once the job
  // returns: scraped in between, the job would not be counted yet (a stress run did that).
  await stack.settle();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('/metrics', () => {
  it('refuses a scrape without the token', async () => {
    expect((await fetch(`${stack.app.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${stack.app.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('reports webhooks, transitions, tasks by state, jobs and GitHub requests', async () => {
    const response = await fetch(`${stack.app.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/agent_dispatch_webhooks_total\{event="issue_comment",outcome="[a-z_]+"\} [1-9]/);
    expect(text).toMatch(/agent_dispatch_task_transitions_total\{type="published",to="succeeded"\} [1-9]/);
    expect(text).toMatch(/agent_dispatch_tasks\{state="succeeded"\} [1-9]/);
    expect(text).toMatch(
      /agent_dispatch_job_duration_seconds_count\{job="dispatch-task",outcome="done"\} [1-9]/,
    );
    expect(text).toMatch(
      /agent_dispatch_job_duration_seconds_count\{job="publish-task",outcome="done"\} [1-9]/,
    );
    expect(text).toMatch(
      /agent_dispatch_github_requests_total\{method="POST",route="\/repos\/\{owner\}\/\{repo\}\/actions\/workflows\/\{workflow_id\}\/dispatches",status="200"\} [1-9]/,
    );
    expect(text).toMatch(/agent_dispatch_github_rate_limit_remaining\{key="installation:\d+"\} \d+/);
    expect(text).toMatch(/agent_dispatch_github_write_wait_seconds_count [1-9]/);
    expect(text).toContain('agent_dispatch_queue_jobs');
  });

  it('is served without a token on its own listener', async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('agent_dispatch_tasks{state="succeeded"}');
  });
});
