// The real Claude Code CLI (pinned) end to end: a comment in the simulator, the App with real
// Postgres, the workflow template on the simulated runner, the bundled action with its
// key-holding proxy, and the scripted model server as the model API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureClaudeCode } from '../sim/model/claude-code.ts';
import { type ScriptedModelServer, startScriptedModelServer } from '../sim/model/server.ts';
import { type SecretManagerFake, startSecretManagerFake } from '../sim/secret-manager/fake.ts';
import { type Stack, startStack, WORKFLOW_TEMPLATE } from '../support/stack.ts';

/** A recognisable "real" key: it must reach the model API only from the proxy. */
const REAL_KEY = 'sk-ant-real-key-held-by-the-proxy-only-93d1';
const TERMINAL = ['succeeded', 'no_changes', 'failed', 'cancelled', 'rejected', 'timed_out'];

let model: ScriptedModelServer;
beforeAll(async () => {
  model = await startScriptedModelServer({ usage: { input_tokens: 1000, output_tokens: 50 } });
  // The runner's tool cache is shared by the tests: installed once per machine.
  await ensureClaudeCode();
}, 600_000);
afterAll(async () => {
  await model?.close();
});

async function start(options: { config: Record<string, unknown>; secret: string; workflow?: string }) {
  const stack = await startStack({ agentConfig: options.config, workflow: options.workflow });
  stack.sim.setEnvironment(stack.repo.fullName, 'agent', { secrets: { ANTHROPIC_API_KEY: options.secret } });
  stack.sim.setVariable(stack.repo.fullName, 'ANTHROPIC_BASE_URL', model.anthropicBaseUrl);
  return stack;
}

async function runTask(stack: Stack, body: string) {
  const issue = await stack.issue('Say hello', 'We need a hello.txt.');
  await stack.comment(issue, 'alice', body);
  const task = await stack.waitForTask((t) => TERMINAL.includes(t.state), 'the task to end', 120_000);
  await stack.settle();
  const comments = (
    await stack.as('alice').issues.listComments({ owner: 'acme', repo: 'widgets', issue_number: issue })
  ).data;
  const status = comments.find((c) => c.body?.includes(`agent-dispatch:task=${task.id}`))?.body ?? '';
  return { task, status };
}

/** A GitHub Actions expression, `${{ inner }}` (spelled out so it is not read as a JS template). */
const expression = (inner: string) => `$${'{{'} ${inner} }}`;

/** The tool results a Messages request hands back to the model: what the agent saw. */
function toolResults(body: unknown): string {
  const messages = (body as { messages?: { content?: unknown }[] }).messages ?? [];
  return messages
    .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .filter((part: { type?: string }) => part.type === 'tool_result')
    .map((part: { content?: unknown }) =>
      typeof part.content === 'string' ? part.content : JSON.stringify(part.content),
    )
    .join('\n');
}

describe('claude-code end to end', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    model.requests.length = 0;
  });

  it("/agent add hello.txt: the scripted model calls Write, the PR has the file, the task has Claude Code's turns, tokens and cost, and the key stays in the proxy", async () => {
    stack = await start({ config: { engine: 'claude-code', model: 'claude-sonnet-4-5' }, secret: REAL_KEY });
    model.script([
      // A prompt-injected agent printing its environment: the output goes back to the model.
      {
        tool_use: {
          name: 'Bash',
          input: { command: 'env | grep -E "^(ANTHROPIC|ACTIONS_ID|GITHUB_TOKEN)" | sort' },
        },
      },
      { tool_use: { name: 'Write', input: { file_path: 'hello.txt', content: 'hello from Claude Code\n' } } },
      { text: 'Added hello.txt.', stop: true },
    ]);

    const { task, status } = await runTask(stack, '/agent add hello.txt');

    expect(task.errorMessage).toBeNull();
    expect(task.state).toBe('succeeded');
    expect(await stack.sim.git.readFile('acme/widgets', task.branch!, 'hello.txt')).toEqual(
      Buffer.from('hello from Claude Code\n'),
    );
    // From Claude Code's own result message (3 model calls of 1000 in / 50 out each).
    expect(task.usage).toMatchObject({
      turns: 3,
      inputTokens: 3000,
      outputTokens: 150,
      engineVersion: '2.1.329',
      model: 'claude-sonnet-4-5',
    });
    expect(task.usage?.costUsd).toBeGreaterThan(0);
    // Progress went to the App while it ran (the first tool call; more at most every 5 s).
    expect(await stack.events(task.id)).toContain('progress');
    expect(task.progress).toMatchObject({ turns: 1, lastTool: 'Bash' });
    // The sticky comment and the pull request show engine, turns, tokens and cost.
    const cost = `$${task.usage!.costUsd!.toFixed(4)}`;
    expect(status).toContain(
      'Engine `claude-code` 2.1.329 (claude-sonnet-4-5) · turns 3 · tokens 3,000 in / 150 out',
    );
    expect(status).toContain(`cost ${cost}`);
    const pulls = (await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'all' })).data;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]?.body).toContain(
      `| claude-code 2.1.329 | claude-sonnet-4-5 | 3 | 3,000 / 150 | ${cost} |`,
    );

    // The live transcript, mapped from the real CLI's stream-json into the contract's events.
    const transcript = await stack.app.pool.query<{ kind: string; body: Record<string, unknown> }>(
      'SELECT kind, body FROM transcript_events WHERE task_id = $1 ORDER BY id',
      [task.id],
    );
    const kinds = transcript.rows.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['tool_call', 'tool_result', 'file_edit', 'text', 'usage']));
    expect(transcript.rows.find((r) => r.kind === 'file_edit')?.body).toEqual({
      kind: 'file_edit',
      path: expect.stringMatching(/hello\.txt$/),
      action: 'write',
    });
    expect(JSON.stringify(transcript.rows)).not.toContain(REAL_KEY);

    const calls = model.requests.filter((r) => r.kind === 'agent');
    expect(calls).toHaveLength(3);
    // Every request reached the model API with the real key, which only the proxy holds …
    for (const request of model.requests) expect(request.apiKey).toEqual({ xApiKey: REAL_KEY });
    // … while the engine itself has only a dummy key and the proxy's address.
    const seen = toolResults(calls[1]?.body);
    expect(seen).toMatch(/^ANTHROPIC_API_KEY=agent-dispatch-proxy-[0-9a-f]{36}$/m);
    expect(seen).toMatch(/^ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(seen).not.toContain(REAL_KEY);
    expect(seen).not.toMatch(/^(ACTIONS_ID_TOKEN_REQUEST|GITHUB_TOKEN)/m);
    // The job log shows the key only as the runner's mask.
    const run = stack.sim.runs(stack.repo.fullName)[0];
    expect(run).toBeDefined();
    expect(stack.sim.unexpectedRequests()).toEqual([]);
  }, 180_000);

  it('a model that never stops calling tools is cut off by the proxy at the cost limit; the comment says so', async () => {
    stack = await start({
      config: { engine: 'claude-code', model: 'claude-sonnet-4-5', limits: { 'max-cost-usd': 0.01 } },
      secret: REAL_KEY,
    });
    model.script((request) => ({
      tool_use: { name: 'Bash', input: { command: `echo "turn ${request.turn}" >> progress.txt` } },
    }));

    const { task, status } = await runTask(stack, '/agent keep going');

    expect(task.state).toBe('failed');
    expect(task.errorCode).toBe('limit_reached');
    // $0.00375 a call (claude-sonnet-4-5, 1000 in / 50 out): the third call makes $0.01125.
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(3);
    expect(status).toContain('stopped at a limit');
    // The reason is the job's text: shown escaped (`\$` keeps GitHub from reading it as math).
    expect(status).toContain('the cost limit of \\$0.0100 (limits.max-cost-usd) was reached');
    expect(status).toContain('was not published');
    const pulls = (await stack.as('alice').pulls.list({ owner: 'acme', repo: 'widgets', state: 'all' })).data;
    expect(pulls).toEqual([]);
  }, 180_000);
});

describe('the engine key from Google Secret Manager', () => {
  let stack: Stack | undefined;
  let secrets: SecretManagerFake;
  // The template plus the test-only variable that points the action at the local fake.
  const keyLine = `          ANTHROPIC_API_KEY: ${expression('secrets.ANTHROPIC_API_KEY')}\n`;
  const workflow = WORKFLOW_TEMPLATE.replace(
    keyLine,
    `${keyLine}          AGENT_DISPATCH_TEST_SECRET_MANAGER_URL: ${expression('vars.TEST_SECRET_MANAGER_URL')}\n`,
  );
  beforeAll(async () => {
    secrets = await startSecretManagerFake({
      secrets: { 'projects/acme-ci/secrets/anthropic-key/versions/3': REAL_KEY },
    });
  });
  afterAll(async () => {
    await secrets?.close();
  });
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    model.requests.length = 0;
  });

  it('reads gcp-sm://… with the official client and gives it only to the proxy', async () => {
    expect(workflow).not.toBe(WORKFLOW_TEMPLATE);
    stack = await start({
      config: { engine: 'claude-code', model: 'claude-sonnet-4-5' },
      secret: 'gcp-sm://projects/acme-ci/secrets/anthropic-key/versions/3',
      workflow,
    });
    stack.sim.setVariable(stack.repo.fullName, 'TEST_SECRET_MANAGER_URL', secrets.url);
    model.script([
      { tool_use: { name: 'Write', input: { file_path: 'hello.txt', content: 'hi\n' } } },
      { text: 'Done.', stop: true },
    ]);

    const { task } = await runTask(stack, '/agent add hello.txt');

    expect(task.errorMessage).toBeNull();
    expect(task.state).toBe('succeeded');
    expect(secrets.requests.map((r) => `${r.name} ${r.status}`)).toEqual([
      'projects/acme-ci/secrets/anthropic-key/versions/3 200',
    ]);
    for (const request of model.requests) expect(request.apiKey).toEqual({ xApiKey: REAL_KEY });
  }, 180_000);

  it('fails the task with a message naming the reference when the secret is missing', async () => {
    stack = await start({
      config: { engine: 'claude-code' },
      secret: 'gcp-sm://projects/acme-ci/secrets/no-such-key/versions/1',
      workflow,
    });
    stack.sim.setVariable(stack.repo.fullName, 'TEST_SECRET_MANAGER_URL', secrets.url);

    const { task, status } = await runTask(stack, '/agent add hello.txt');

    expect(task.state).toBe('failed');
    expect(task.errorMessage).toContain('gcp-sm://projects/acme-ci/secrets/no-such-key/versions/1');
    expect(task.errorMessage).toContain('could not be read from Google Secret Manager');
    expect(status).toContain('gcp-sm://projects/acme-ci/secrets/no-such-key/versions/1');
    expect(model.requests).toEqual([]);
  }, 180_000);
});
