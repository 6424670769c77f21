// The committed bundle running the real engine CLIs (pinned, installed from the npm registry into
// a shared tool cache) against the scripted model server, behind the action's key-holding proxy.
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureClaudeCode, ensureCodex, ensureGemini, sharedToolCache } from '../sim/model/claude-code.ts';
import { type ScriptedModelServer, startScriptedModelServer } from '../sim/model/server.ts';
import { createRepo, type TempDir, tempDir } from './support/git-repo.ts';
import { killRunningBundles, runBundle } from './support/run-bundle.ts';
import { type RunnerApiPeer, specFor, startRunnerApiPeer } from './support/runner-api-peer.ts';

/** Recognisable, so a test can prove it never reached the model server or the engine. */
const REAL_KEY = 'sk-real-key-that-only-the-proxy-may-hold-5f2c';

let tmp: TempDir;
let peer: RunnerApiPeer | undefined;
let model: ScriptedModelServer;

beforeAll(async () => {
  model = await startScriptedModelServer({ usage: { input_tokens: 1000, output_tokens: 50 } });
  // Into the shared tool cache once (a download on a clean machine); the action then finds it.
  await ensureClaudeCode();
}, 600_000);
afterAll(async () => {
  await model?.close();
});
beforeEach(() => {
  tmp = tempDir();
  model.requests.length = 0;
});
afterEach(async () => {
  killRunningBundles();
  await peer?.close();
  peer = undefined;
  tmp.remove();
});

type Result = {
  outcome: string;
  changes: { path: string; status: string; content?: string }[];
  report: Record<string, unknown>;
};

async function runEngine(
  engine: { name: string; model?: string | null },
  limits: Record<string, unknown>,
  env: Record<string, string>,
) {
  const repo = createRepo(tmp.path, { 'README.md': '# widgets\n' });
  peer = await startRunnerApiPeer({
    taskId: 42,
    spec: {
      ...specFor(42, repo.sha, { prompt: 'Add hello.txt containing hi', limits }),
      engine: { name: engine.name, command: null, model: engine.model ?? null, version: null },
    },
  });
  // Diagnostic, not an assertion: the first run of an engine has twice hit the 30 s timeout under
  // test:stress while the next took 4 s (docs/testing.md). A run still going after 20 s prints
  // what the action logged so far, with times, so the next occurrence says where the time went.
  const began = Date.now();
  const lines: string[] = [];
  const watch = setTimeout(() => {
    console.error(`[cli-engines] ${engine.name} still running after 20 s:\n${lines.join('\n')}`);
  }, 20_000);
  watch.unref();
  const step = await runBundle({
    step: 'run',
    peer,
    workspace: repo.dir,
    runnerDir: join(tmp.path, 'runner'),
    env: { RUNNER_TOOL_CACHE: sharedToolCache(), ...env },
    started: (child) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n'))
          if (line && !line.startsWith('::add-mask::'))
            lines.push(`${Date.now() - began} ms  ${line.slice(0, 200)}`);
      });
    },
  }).finally(() => clearTimeout(watch));
  return { step, repo, result: peer.results[0] as Result | undefined };
}

/** The tool results an Anthropic Messages request hands back to the model. */
function toolResults(body: unknown): string[] {
  const messages = (body as { messages?: { content?: unknown }[] }).messages ?? [];
  return messages.flatMap((message) =>
    (Array.isArray(message.content) ? message.content : [])
      .filter((part: { type?: string }) => part.type === 'tool_result')
      .map((part: { content?: unknown }) =>
        typeof part.content === 'string' ? part.content : JSON.stringify(part.content),
      ),
  );
}

function expectNoRealKey(text: string) {
  const lines = text.split('\n').filter((line) => line.includes(REAL_KEY));
  expect(lines.every((line) => line === `::add-mask::${REAL_KEY}`)).toBe(true);
}

describe('claude-code', () => {
  const env = () => ({ ANTHROPIC_API_KEY: REAL_KEY, ANTHROPIC_BASE_URL: model.anthropicBaseUrl });

  it('writes the file through the proxy: the engine holds only a dummy key, the real key reaches the model only from the proxy; turns, tokens and cost from Claude Code', async () => {
    model.script([
      // What a prompt-injected agent would do: print its environment (the output goes back to
      // the model in the next request).
      {
        tool_use: {
          name: 'Bash',
          input: { command: 'env | grep -E "^(ANTHROPIC|ACTIONS|GITHUB_TOKEN)" | sort' },
        },
      },
      { tool_use: { name: 'Write', input: { file_path: 'hello.txt', content: 'hi\n' } } },
      { text: 'Created hello.txt.', stop: true },
    ]);
    const { step, result } = await runEngine({ name: 'claude-code', model: 'claude-sonnet-4-5' }, {}, env());
    expect(step.code, step.stdout + step.stderr).toBe(0);
    expect(result?.outcome).toBe('completed');
    expect(result?.changes.map((c) => c.path)).toEqual(['hello.txt']);
    expect(Buffer.from(result?.changes[0]?.content ?? '', 'base64').toString()).toBe('hi\n');
    expect(result?.report).toMatchObject({
      engine: 'claude-code',
      engineVersion: '2.1.329',
      model: 'claude-sonnet-4-5',
      turns: 3,
      inputTokens: 3000,
      outputTokens: 150,
      summary: 'Created hello.txt.',
      error: null,
    });
    expect(result?.report.costUsd).toBeGreaterThan(0);
    const calls = model.requests.filter((r) => r.kind === 'agent');
    expect(calls).toHaveLength(3);
    // The real key reaches the model API only from the proxy, which swapped it in.
    for (const request of model.requests) expect(request.apiKey).toEqual({ xApiKey: REAL_KEY });
    // What the engine itself holds: the proxy's address and a dummy key.
    const seenByAgent = toolResults(calls[1]?.body).join('\n');
    expect(seenByAgent).toMatch(/ANTHROPIC_API_KEY=agent-dispatch-proxy-[0-9a-f]{36}/);
    expect(seenByAgent).toMatch(/ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+/);
    expect(seenByAgent).not.toContain(REAL_KEY);
    expect(seenByAgent).not.toContain('ACTIONS_ID_TOKEN_REQUEST');
    expect(seenByAgent).not.toContain('GITHUB_TOKEN');
    expectNoRealKey(step.stdout);
    expect(step.stdout).toContain('tool: Write hello.txt');
    expect(step.stdout).toMatch(/Model proxy: 3 model call\(s\)/);
  });

  it('is cut off by the proxy at the cost limit when the model never stops calling tools', async () => {
    model.script((request) => ({
      tool_use: { name: 'Bash', input: { command: `echo turn ${request.turn} >> log.txt` } },
    }));
    // claude-sonnet-4-5: 1000 input and 50 output tokens cost $0.00375 a call.
    const { step, result } = await runEngine(
      { name: 'claude-code', model: 'claude-sonnet-4-5' },
      { maxTurns: 50, maxCostUsd: 0.01 },
      env(),
    );
    expect(step.code).toBe(1);
    expect(result?.outcome).toBe('limit_reached');
    expect(result?.report.error).toContain('the cost limit of $0.0100 (limits.max-cost-usd) was reached');
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(3);
    // Partial work is still collected and sent.
    expect(result?.changes.map((c) => c.path)).toEqual(['log.txt']);
  });
});

describe('the proxy and the key', () => {
  it('fails the task, naming the variable, when the engine has no key', async () => {
    const { step, result } = await runEngine({ name: 'claude-code' }, {}, {});
    expect(step.code).toBe(1);
    expect(result?.outcome).toBe('failed');
    expect(result?.report.error).toContain('needs a model API key in ANTHROPIC_API_KEY');
    expect(model.requests).toHaveLength(0);
  });

  it('keeps the engine environment free of the key, the OIDC variables and the GitHub token', async () => {
    const repo = createRepo(tmp.path, { 'README.md': '# widgets\n' });
    // The engine runs as a user of its own (the tests run as root): a place it may write to.
    const outside = join(tmp.path, 'outside');
    mkdirSync(outside, { mode: 0o777 });
    chmodSync(outside, 0o777);
    peer = await startRunnerApiPeer({
      taskId: 42,
      spec: specFor(42, repo.sha, { command: `env > ${outside}/engine-env.txt` }),
    });
    const step = await runBundle({
      step: 'run',
      peer,
      workspace: repo.dir,
      runnerDir: join(tmp.path, 'runner'),
      env: { ANTHROPIC_API_KEY: REAL_KEY },
    });
    expect(step.code).toBe(0);
    const dumped = join(outside, 'engine-env.txt');
    expect(existsSync(dumped)).toBe(true);
    const text = readFileSync(dumped, 'utf8');
    expect(text).not.toContain(REAL_KEY);
    expect(text).not.toMatch(/^ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)=/m);
    expect(text).not.toMatch(/^GITHUB_TOKEN=/m);
    expect(text).not.toMatch(/^INPUT_/m);
    expect(text).not.toContain('ghs_the-job-token-must-not-leak');
  });
});

describe('codex', () => {
  beforeAll(async () => {
    await ensureCodex();
  }, 600_000);
  const env = () => ({ OPENAI_API_KEY: REAL_KEY, OPENAI_BASE_URL: model.openaiBaseUrl });

  it('runs its shell tool through the proxy; tokens from Codex, turns and cost from the proxy', async () => {
    model.script([
      { tool_use: { name: 'exec_command', input: { cmd: "printf 'hi\\n' > hello.txt" } } },
      { text: 'Created hello.txt.', stop: true },
    ]);
    const { step, result } = await runEngine({ name: 'codex', model: 'gpt-5-codex' }, {}, env());
    expect(step.code, step.stdout + step.stderr).toBe(0);
    expect(result?.outcome).toBe('completed');
    expect(result?.changes.map((c) => c.path)).toEqual(['hello.txt']);
    expect(result?.report).toMatchObject({
      engine: 'codex',
      engineVersion: '0.169.0',
      turns: 2,
      inputTokens: 2000,
      outputTokens: 100,
      summary: 'Created hello.txt.',
      error: null,
    });
    // gpt-5-codex at $1.25 / $10 per million: 2 × (1000 × 1.25 + 50 × 10) / 1e6.
    expect(result?.report.costUsd).toBeCloseTo(0.0035, 10);
    const calls = model.requests.filter((r) => r.kind === 'agent');
    expect(calls).toHaveLength(2);
    for (const request of model.requests)
      expect(request.apiKey).toEqual({ authorization: `Bearer ${REAL_KEY}` });
    expectNoRealKey(step.stdout);
  });

  it('is cut off by the proxy at the turn limit: Codex has no turn limit of its own', async () => {
    model.script((request) => ({
      tool_use: { name: 'exec_command', input: { cmd: `echo turn ${request.turn} >> log.txt` } },
    }));
    const { step, result } = await runEngine({ name: 'codex', model: 'gpt-5-codex' }, { maxTurns: 3 }, env());
    expect(step.code).toBe(1);
    expect(result?.outcome).toBe('limit_reached');
    expect(result?.report.error).toContain('the turn limit of 3 model calls (limits.max-turns) was reached');
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(3);
    expect(result?.changes.map((c) => c.path)).toEqual(['log.txt']);
  });
});

describe('gemini', () => {
  beforeAll(async () => {
    await ensureGemini();
  }, 600_000);
  const env = () => ({ GEMINI_API_KEY: REAL_KEY, GOOGLE_GEMINI_BASE_URL: model.geminiBaseUrl });

  it('writes the file through the proxy; tokens from Gemini CLI, turns and cost from the proxy', async () => {
    model.script([
      { tool_use: { name: 'write_file', input: { file_path: 'hello.txt', content: 'hi\n' } } },
      { text: 'Created hello.txt.', stop: true },
    ]);
    const { step, result } = await runEngine({ name: 'gemini', model: 'gemini-2.5-pro' }, {}, env());
    expect(step.code, step.stdout + step.stderr).toBe(0);
    expect(result?.outcome).toBe('completed');
    expect(result?.changes.map((c) => c.path)).toEqual(['hello.txt']);
    expect(result?.report).toMatchObject({
      engine: 'gemini',
      engineVersion: '0.61.0',
      turns: 2,
      inputTokens: 2000,
      outputTokens: 100,
      summary: 'Created hello.txt.',
      error: null,
    });
    // gemini-2.5-pro at $1.25 / $10 per million: 2 × (1000 × 1.25 + 50 × 10) / 1e6.
    expect(result?.report.costUsd).toBeCloseTo(0.0035, 10);
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(2);
    for (const request of model.requests) expect(request.apiKey).toEqual({ xGoogApiKey: REAL_KEY });
    expectNoRealKey(step.stdout);
    expect(step.stdout).toContain('tool: write_file hello.txt');
  });

  it('is cut off by the proxy at the turn limit', async () => {
    model.script((request) => ({
      tool_use: { name: 'run_shell_command', input: { command: `echo turn ${request.turn} >> log.txt` } },
    }));
    const { step, result } = await runEngine(
      { name: 'gemini', model: 'gemini-2.5-pro' },
      { maxTurns: 3 },
      env(),
    );
    expect(step.code).toBe(1);
    expect(result?.outcome).toBe('limit_reached');
    expect(result?.report.error).toContain('the turn limit of 3 model calls (limits.max-turns) was reached');
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(3);
    expect(result?.changes.map((c) => c.path)).toEqual(['log.txt']);
  });
});
