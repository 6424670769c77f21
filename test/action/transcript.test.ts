// The action's transcript: each engine's stream mapped into the contract's one event shape, the
// redactor, and the sink's batching (ordered indexes, one request at a time, stop at the cap).
import { describe, expect, it } from 'vitest';
import {
  claudeCodeTranscript,
  codexTranscript,
  geminiTranscript,
} from '../../action/src/transcript/engine-transcripts.ts';
import { createRedactor } from '../../action/src/transcript/redactor.ts';
import { createTranscriptSink } from '../../action/src/transcript/transcript-sink.ts';
import type { TranscriptBatch } from '../../src/contract/transcript.ts';
import { transcriptEventSchema } from '../../src/contract/transcript.ts';

const quietLog = {
  info() {},
  warning() {},
  error() {},
  debug() {},
  mask() {},
  group() {},
  endGroup() {},
} as never;

describe('engine streams as transcript events', () => {
  it('maps Claude Code’s stream-json: text, tool calls with a file edit, results, usage', () => {
    const events = [
      { type: 'assistant', message: { content: [{ type: 'text', text: 'Looking.' }] } },
      {
        type: 'assistant',
        message: {
          content: [
            { type: 'tool_use', id: 't1', name: 'Write', input: { file_path: 'a.txt', content: 'x' } },
          ],
        },
      },
      {
        type: 'user',
        message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok', is_error: false }] },
      },
      {
        type: 'result',
        num_turns: 2,
        total_cost_usd: 0.01,
        usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 },
      },
    ].flatMap(claudeCodeTranscript);
    expect(events).toEqual([
      { kind: 'text', text: 'Looking.' },
      { kind: 'tool_call', tool: 'Write', input: '{"file_path":"a.txt","content":"x"}', callId: 't1' },
      { kind: 'file_edit', path: 'a.txt', action: 'write' },
      { kind: 'tool_result', callId: 't1', output: 'ok', isError: false, truncated: false },
      { kind: 'usage', turns: 2, inputTokens: 100, outputTokens: 5, costUsd: 0.01 },
    ]);
    for (const event of events) expect(transcriptEventSchema.safeParse(event).success).toBe(true);
  });

  it('maps Codex’s exec --json items', () => {
    const events = [
      { type: 'item.started', item: { id: 'i1', type: 'command_execution', command: 'ls' } },
      {
        type: 'item.completed',
        item: { id: 'i1', type: 'command_execution', aggregated_output: 'a.txt\n', exit_code: 0 },
      },
      {
        type: 'item.completed',
        item: { id: 'i2', type: 'file_change', changes: [{ path: 'b.txt', kind: 'add' }] },
      },
      { type: 'item.completed', item: { id: 'i3', type: 'agent_message', text: 'Done.' } },
      { type: 'turn.completed', usage: { input_tokens: 7, output_tokens: 3 } },
    ].flatMap(codexTranscript);
    expect(events.map((e) => e.kind)).toEqual(['tool_call', 'tool_result', 'file_edit', 'text', 'usage']);
    expect(events[2]).toEqual({ kind: 'file_edit', path: 'b.txt', action: 'write' });
  });

  it('maps Gemini’s stream-json, joining message deltas into one text event', () => {
    const map = geminiTranscript();
    const events = [
      { type: 'message', role: 'assistant', content: 'Hel', delta: true },
      { type: 'message', role: 'assistant', content: 'lo.', delta: true },
      { type: 'tool_use', tool_name: 'write_file', tool_id: 'g1', parameters: { file_path: 'c.txt' } },
      { type: 'tool_result', tool_id: 'g1', status: 'error', error: { message: 'denied' } },
      { type: 'result', status: 'success', stats: { input_tokens: 4, output_tokens: 2 } },
    ].flatMap(map);
    expect(events.map((e) => e.kind)).toEqual(['text', 'tool_call', 'file_edit', 'tool_result', 'usage']);
    expect(events[0]).toEqual({ kind: 'text', text: 'Hello.' });
    expect(events[3]).toMatchObject({ isError: true });
  });

  it('cuts long tool output and says so', () => {
    const [result] = claudeCodeTranscript({
      type: 'user',
      message: { content: [{ type: 'tool_result', content: 'x'.repeat(10_000) }] },
    });
    expect(result).toMatchObject({ kind: 'tool_result', truncated: true });
    expect((result as { output: string }).output.length).toBeLessThanOrEqual(2000);
    expect((result as { output: string }).output).toMatch(/more characters\]$/);
  });
});

describe('the redactor', () => {
  it('hides secret values of the environment, masked values, credentials and tokens', () => {
    const redactor = createRedactor({
      ANTHROPIC_API_KEY: 'sk-real-key-value',
      HOME: '/home/runner',
      PLAIN: 'visible-value',
    });
    redactor.addSecret('resolved-from-secret-manager');
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUifQ.c2lnbmF0dXJlLXZhbHVl';
    const out = redactor.redact(
      `key sk-real-key-value, sm resolved-from-secret-manager, ghp_${'z'.repeat(36)}, ${jwt}, /home/runner visible-value`,
    );
    expect(out).toBe(
      'key [redacted secret], sm [redacted secret], [redacted GitHub token], [redacted JSON Web Token], /home/runner visible-value',
    );
  });
});

describe('the sink', () => {
  it('numbers events in order, batches them, and stops once the App says the cap is reached', async () => {
    const batches: TranscriptBatch[] = [];
    const sink = createTranscriptSink({
      engine: 'claude-code',
      attempt: 2,
      redactor: createRedactor({ OPENAI_API_KEY: 'secret-123456' }),
      log: quietLog,
      post: async (batch) => {
        batches.push(batch);
        return { stored: batch.events.length, truncated: batches.length >= 2 };
      },
    });
    for (let i = 0; i < 60; i++)
      sink.raw({
        type: 'assistant',
        message: { content: [{ type: 'text', text: `step ${i} secret-123456` }] },
      });
    await sink.close();
    expect(batches).toHaveLength(2);
    expect(batches.every((b) => b.attempt === 2)).toBe(true);
    expect(batches.flatMap((b) => b.events.map((e) => e.idx))).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect(JSON.stringify(batches)).not.toContain('secret-123456');
  });

  it('turns the command’s output lines into text events', async () => {
    const batches: TranscriptBatch[] = [];
    const sink = createTranscriptSink({
      engine: 'command',
      attempt: 1,
      redactor: createRedactor(),
      log: quietLog,
      post: async (batch) => {
        batches.push(batch);
        return { stored: batch.events.length, truncated: false };
      },
    });
    sink.text('one\ntw');
    sink.text('o\nthree');
    await sink.close();
    expect(batches.flatMap((b) => b.events.map((e) => e.event))).toEqual([
      { kind: 'text', text: 'one\ntwo\nthree' },
    ]);
  });
});
