// The real Claude Code CLI (pinned, from the npm registry) driven end to end by the scripted
// model server: nothing leaves the machine.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_OFFLINE_ENV, type ClaudeCodeInstall, ensureClaudeCode } from './claude-code.ts';
import { type ScriptedModelServer, startScriptedModelServer } from './server.ts';

const DUMMY_KEY = 'sk-ant-dummy-key-for-the-scripted-model';

let claude: ClaudeCodeInstall;
let model: ScriptedModelServer;
let home: string;
let workspace: string;

beforeAll(async () => {
  claude = await ensureClaudeCode();
  model = await startScriptedModelServer({ usage: { input_tokens: 1200, output_tokens: 40 } });
}, 600_000);

afterAll(async () => {
  await model?.close();
});

beforeEach(() => {
  model.requests.length = 0;
  home = mkdtempSync(path.join(tmpdir(), 'claude-home-'));
  workspace = mkdtempSync(path.join(tmpdir(), 'claude-workspace-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(workspace, 'README.md'), '# demo\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'seed');
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

type StreamMessage = { type: string; subtype?: string; [key: string]: unknown };

async function runClaude(prompt: string, extraArgs: string[] = []) {
  const args = [
    '-p',
    prompt,
    '--output-format',
    'stream-json',
    '--verbose',
    '--permission-mode',
    'acceptEdits',
  ];
  const child = spawn(claude.bin, [...args, ...extraArgs], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      ANTHROPIC_BASE_URL: model.anthropicBaseUrl,
      ANTHROPIC_API_KEY: DUMMY_KEY,
      ...CLAUDE_CODE_OFFLINE_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const messages = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StreamMessage);
  return { code, stderr, messages, result: messages.find((m) => m.type === 'result') };
}

describe('the real Claude Code CLI against the scripted model', () => {
  it('writes the file the script asks for and reports turns, usage and cost', async () => {
    model.script([
      { tool_use: { name: 'Write', input: { file_path: 'hello.txt', content: 'hi\n' } } },
      { text: 'Done.', stop: true },
    ]);

    const run = await runClaude('Create hello.txt containing hi');

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(workspace, 'hello.txt'), 'utf8')).toBe('hi\n');
    expect(run.messages[0]).toMatchObject({
      type: 'system',
      subtype: 'init',
      claude_code_version: claude.version,
    });
    expect(run.result).toMatchObject({
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 2,
      result: 'Done.',
      usage: { input_tokens: 2400, output_tokens: 80 },
    });
    expect(run.result?.total_cost_usd).toEqual(expect.any(Number));
    expect(run.result?.total_cost_usd).toBeGreaterThan(0);

    const agent = model.requests.filter((r) => r.kind === 'agent');
    expect(agent).toHaveLength(2);
    expect(model.exhausted).toBe(0);
    // Only the model API was called, with the dummy key, and nothing else.
    expect(model.requests.map((r) => `${r.method} ${r.path} ${r.kind}`)).toEqual([
      'POST /v1/messages agent',
      'POST /v1/messages agent',
    ]);
    for (const request of model.requests) expect(request.apiKey.xApiKey).toBe(DUMMY_KEY);
    expect(agent[0]?.stream).toBe(true);
    expect(agent[0]?.headers['anthropic-version']).toBe('2023-06-01');
    expect(agent[0]?.headers['user-agent']).toContain(`claude-cli/${claude.version}`);
  });

  it('stops a model that never stops calling tools at --max-turns', async () => {
    model.script((request) => ({
      tool_use: { name: 'Read', input: { file_path: path.join(workspace, 'README.md') } },
      text: `turn ${request.turn}`,
    }));

    const run = await runClaude('Read the README forever', ['--max-turns', '3']);

    expect(run.code).not.toBe(0);
    expect(run.result).toMatchObject({ type: 'result', subtype: 'error_max_turns', is_error: true });
    expect(model.requests.filter((r) => r.kind === 'agent')).toHaveLength(3);
  });
});
