// The CLI adapters' readers, on output in the shape the real CLIs print (lines taken from runs of
// the pinned versions against the scripted model), and the engine table.
import { describe, expect, it } from 'vitest';
import { claudeCodeEngine } from '../../action/src/engines/claude-code-engine.ts';
import { claudeCodeParser } from '../../action/src/engines/claude-code-stream.ts';
import { codexEngine } from '../../action/src/engines/codex-engine.ts';
import { codexParser } from '../../action/src/engines/codex-stream.ts';
import { geminiEngine } from '../../action/src/engines/gemini-engine.ts';
import { geminiParser } from '../../action/src/engines/gemini-stream.ts';
import { selectEngine } from '../../action/src/engines/select-engine.ts';

const lines = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n');

describe('claude-code output', () => {
  const run = lines(
    { type: 'system', subtype: 'init', model: 'claude-sonnet-4-5', claude_code_version: '2.1.329' },
    {
      type: 'assistant',
      message: { id: 'm1', content: [{ type: 'tool_use', name: 'Write', input: { file_path: 'a.txt' } }] },
    },
    { type: 'user', message: { content: [{ type: 'tool_result', content: 'ok' }] } },
    { type: 'assistant', message: { id: 'm2', content: [{ type: 'text', text: 'Done.' }] } },
    {
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 2,
      result: 'Done.',
      total_cost_usd: 0.0123,
      usage: {
        input_tokens: 10,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 1000,
        output_tokens: 50,
      },
    },
  );

  it('reads turns, all input tokens, output tokens and cost from the result', () => {
    expect(claudeCodeEngine().parseUsage(run)).toEqual({
      turns: 2,
      inputTokens: 1110,
      outputTokens: 50,
      costUsd: 0.0123,
    });
  });

  it('counts turns by message, names the last tool, and reads a stop at --max-turns as a limit', () => {
    const parser = claudeCodeParser();
    const shown = run.split('\n').map((line) => parser.event(JSON.parse(line)));
    expect(shown[1]).toEqual({ show: '[turn 1] tool: Write a.txt', progress: true });
    expect(parser.progress).toEqual({ turns: 2, lastTool: 'Write' });
    expect(parser.finish()).toMatchObject({ summary: 'Done.', error: null, limit: null });

    const stopped = claudeCodeParser();
    stopped.event({ type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 3 });
    expect(stopped.finish()).toMatchObject({ error: null, limit: expect.stringContaining('--max-turns 3') });

    const failed = claudeCodeParser();
    failed.event({
      type: 'result',
      subtype: 'success',
      is_error: true,
      result: 'API Error: 401 invalid key',
    });
    expect(failed.finish().error).toBe('Claude Code failed (success): API Error: 401 invalid key');
  });

  it('says so when Claude Code ends without a result', () => {
    expect(claudeCodeParser().finish().error).toBe('Claude Code ended without a result.');
  });
});

describe('codex output', () => {
  it('sums tokens over turns and keeps the last message; turns and cost come from the proxy', () => {
    const run = lines(
      { type: 'thread.started', thread_id: 't' },
      { type: 'turn.started' },
      {
        type: 'item.started',
        item: {
          id: 'i1',
          type: 'command_execution',
          command: "/bin/bash -lc 'echo hi > a.txt'",
          status: 'in_progress',
        },
      },
      { type: 'item.completed', item: { id: 'i2', type: 'agent_message', text: 'Done.' } },
      { type: 'turn.completed', usage: { input_tokens: 2000, cached_input_tokens: 0, output_tokens: 100 } },
    );
    expect(codexEngine().parseUsage(run)).toEqual({
      turns: null,
      inputTokens: 2000,
      outputTokens: 100,
      costUsd: null,
    });
    const parser = codexParser();
    for (const line of run.split('\n')) parser.event(JSON.parse(line));
    expect(parser.progress).toEqual({ turns: 1, lastTool: 'shell' });
    expect(parser.finish()).toMatchObject({ summary: 'Done.', error: null });
  });

  it('reports a failed turn', () => {
    const parser = codexParser();
    parser.event({ type: 'turn.failed', error: { message: 'stream error: 400 limit' } });
    expect(parser.finish()).toMatchObject({ summary: null, error: 'Codex failed: stream error: 400 limit' });
  });
});

describe('gemini output', () => {
  it('reads tokens from the result stats and the assistant text as the summary', () => {
    const run = lines(
      { type: 'init', session_id: 's', model: 'gemini-2.5-pro' },
      { type: 'message', role: 'user', content: 'task' },
      {
        type: 'tool_use',
        tool_name: 'write_file',
        tool_id: 't1',
        parameters: { file_path: 'a.txt', content: 'hi' },
      },
      { type: 'tool_result', tool_id: 't1', status: 'success' },
      { type: 'message', role: 'assistant', content: 'Do', delta: true },
      { type: 'message', role: 'assistant', content: 'ne.', delta: true },
      {
        type: 'result',
        status: 'success',
        stats: { total_tokens: 2100, input_tokens: 2000, output_tokens: 100, tool_calls: 1 },
      },
    );
    expect(geminiEngine().parseUsage(run)).toEqual({
      turns: null,
      inputTokens: 2000,
      outputTokens: 100,
      costUsd: null,
    });
    const parser = geminiParser();
    for (const line of run.split('\n')) parser.event(JSON.parse(line));
    expect(parser.progress).toEqual({ turns: 1, lastTool: 'write_file' });
    expect(parser.finish()).toMatchObject({ summary: 'Done.', error: null });
  });

  it('reports a failed run with its error', () => {
    const parser = geminiParser();
    parser.event({ type: 'error', severity: 'error', message: 'quota' });
    parser.event({
      type: 'result',
      status: 'error',
      error: { type: 'FatalError', message: 'Agent Dispatch stopped this task' },
    });
    expect(parser.finish().error).toBe('Gemini CLI failed: Agent Dispatch stopped this task');
  });
});

describe('the engine table', () => {
  it.each([
    ['claude-code', 'anthropic', 'ANTHROPIC_API_KEY'],
    ['codex', 'openai', 'OPENAI_API_KEY'],
    ['gemini', 'gemini', 'GEMINI_API_KEY'],
  ])('runs %s behind the proxy for %s, with its key from %s', (name, provider, key) => {
    const engine = selectEngine(name);
    expect(engine.name).toBe(name);
    expect(engine.modelApi?.provider).toBe(provider);
    expect(engine.modelApi?.keyVariables[0]).toBe(key);
  });

  it('runs the command engine without a model API', () => {
    expect(selectEngine('command').modelApi).toBeUndefined();
  });
});
