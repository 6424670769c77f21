import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnthropicMessage } from './anthropic.ts';
import { SCRIPT_EXHAUSTED_TEXT } from './script.ts';
import { type ScriptedModelServer, startScriptedModelServer } from './server.ts';

let model: ScriptedModelServer;

beforeEach(async () => {
  model = await startScriptedModelServer();
});

afterEach(async () => {
  await model.close();
});

const TOOLS = [{ name: 'Write', description: 'write a file', input_schema: { type: 'object' } }];

function anthropic(body: Record<string, unknown>, key = 'sk-ant-dummy') {
  return fetch(`${model.anthropicBaseUrl}/v1/messages?beta=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({
      model: 'claude-test',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
  });
}

type Message = AnthropicMessage & { content: { text?: string; id?: string; input?: unknown }[] };

async function message(response: Promise<Response>): Promise<Message> {
  return (await (await response).json()) as Message;
}

function openai(route: string, body: Record<string, unknown>) {
  return fetch(`${model.openaiBaseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-openai-dummy' },
    body: JSON.stringify({ model: 'gpt-test', ...body }),
  });
}

/** Parses a server-sent event stream into its events (name and JSON data). */
async function events(response: Response): Promise<{ event?: string; data: unknown }[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6) ?? '';
      return { event, data: data === '[DONE]' ? data : JSON.parse(data) };
    });
}

describe('scripted model server: Anthropic Messages API', () => {
  it('answers agent requests from the script in order, with usage', async () => {
    model.script([
      { tool_use: { name: 'Write', input: { file_path: 'a.txt', content: 'x' } } },
      { text: 'Done.', stop: true, usage: { input_tokens: 7, output_tokens: 3 } },
    ]);

    const first = await message(anthropic({ tools: TOOLS }));
    const second = await message(anthropic({ tools: TOOLS }));

    expect(first).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      stop_reason: 'tool_use',
      content: [{ type: 'tool_use', name: 'Write', input: { file_path: 'a.txt', content: 'x' } }],
      usage: { input_tokens: 1000, output_tokens: 50 },
    });
    expect(first.content[0]?.id).toMatch(/^toolu_/);
    expect(second).toMatchObject({
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Done.' }],
      usage: { input_tokens: 7, output_tokens: 3 },
    });
  });

  it('streams the same message as server-sent events a client can reassemble', async () => {
    model.script([
      {
        text: 'Writing the file now.',
        tool_use: { name: 'Write', input: { file_path: 'b.txt', content: 'y'.repeat(40) } },
      },
    ]);

    const response = await anthropic({ tools: TOOLS, stream: true });
    const stream = await events(response);

    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const names = stream.map((e) => e.event);
    const collapsed = names.filter((name, i) => name !== names[i - 1]);
    expect(names.filter((name) => name === 'content_block_delta').length).toBeGreaterThan(2);
    expect(collapsed).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const deltas = stream.map(
      (e) => e.data as { type: string; index?: number; delta?: Record<string, string> },
    );
    const text = deltas
      .filter((d) => d.delta?.type === 'text_delta')
      .map((d) => d.delta?.text)
      .join('');
    const json = deltas
      .filter((d) => d.delta?.type === 'input_json_delta')
      .map((d) => d.delta?.partial_json)
      .join('');
    expect(text).toBe('Writing the file now.');
    expect(JSON.parse(json)).toEqual({ file_path: 'b.txt', content: 'y'.repeat(40) });
    expect(stream.at(-2)?.data).toMatchObject({
      delta: { stop_reason: 'tool_use' },
      usage: { output_tokens: 50 },
    });
  });

  it('answers auxiliary requests without tools without consuming the script', async () => {
    model.script([{ text: 'scripted', stop: true }]);

    const auxiliary = await message(anthropic({ system: 'Reply with JSON: a title for this conversation' }));
    const agent = await message(anthropic({ tools: TOOLS }));

    expect(auxiliary.content[0]?.text).toContain('"title"');
    expect(agent.content[0]?.text).toBe('scripted');
    expect(model.requests.map((r) => r.kind)).toEqual(['auxiliary', 'agent']);
  });

  it('passes each agent request and its turn number to a script function', async () => {
    const seen: number[] = [];
    model.script((request) => {
      seen.push(request.turn);
      return { tool_use: { name: 'Write', input: { turn: request.turn } } };
    });

    await anthropic({ tools: TOOLS });
    const second = await message(anthropic({ tools: TOOLS }));

    expect(seen).toEqual([1, 2]);
    expect(second.content[0]?.input).toEqual({ turn: 2 });
  });

  it('ends the turn and counts it when a list script runs out', async () => {
    model.script([]);

    const reply = await message(anthropic({ tools: TOOLS }));

    expect(reply).toMatchObject({ stop_reason: 'end_turn', content: [{ text: SCRIPT_EXHAUSTED_TEXT }] });
    expect(model.exhausted).toBe(1);
  });

  it('answers a scripted error with the status and error shape of the API', async () => {
    model.script([{ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } }]);

    const response = await anthropic({ tools: TOOLS });

    expect(response.status).toBe(529);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('counts tokens without consuming the script', async () => {
    const response = await fetch(`${model.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'x'.repeat(400) }] }),
    });

    expect(((await response.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(100);
    expect(model.requests[0]?.kind).toBe('count_tokens');
  });

  it('records each request with the API key headers it carried', async () => {
    await anthropic({ tools: TOOLS }, 'sk-ant-the-key-it-saw');
    await openai('/chat/completions', { messages: [] });

    expect(model.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/messages',
      query: '?beta=true',
      apiKey: { xApiKey: 'sk-ant-the-key-it-saw' },
      body: { model: 'claude-test' },
    });
    expect(model.requests[1]?.apiKey).toEqual({
      xApiKey: undefined,
      authorization: 'Bearer sk-openai-dummy',
    });
  });

  it('answers unknown routes 404 and records them', async () => {
    const response = await fetch(`${model.url}/v1/complete`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(model.requests).toMatchObject([{ path: '/v1/complete', kind: 'unknown', status: 404 }]);
  });

  it('answers the start-up connectivity probe', async () => {
    const response = await fetch(`${model.url}/api/hello`, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(model.requests).toMatchObject([{ method: 'HEAD', path: '/api/hello', kind: 'auxiliary' }]);
  });
});

describe('scripted model server: OpenAI APIs', () => {
  it('streams a Responses API function call the way Codex reads it', async () => {
    model.script([
      { text: 'Running it.', tool_use: { name: 'shell', input: { command: ['ls'] }, id: 'call_1' } },
    ]);

    const stream = await events(
      await openai('/responses', { stream: true, tools: [{ type: 'function', name: 'shell' }] }),
    );
    const types = stream.map((e) => e.event);

    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.output_text.delta');
    expect(types).toContain('response.function_call_arguments.done');
    const done = stream.filter((e) => e.event === 'response.output_item.done').map((e) => e.data);
    expect(done).toMatchObject([
      { item: { type: 'message', content: [{ type: 'output_text', text: 'Running it.' }] } },
      { item: { type: 'function_call', name: 'shell', call_id: 'call_1', arguments: '{"command":["ls"]}' } },
    ]);
    expect(stream.at(-1)?.data).toMatchObject({
      response: { status: 'completed', usage: { input_tokens: 1000, output_tokens: 50, total_tokens: 1050 } },
    });
    const sequence = stream.map((e) => (e.data as { sequence_number: number }).sequence_number);
    expect(sequence).toEqual(sequence.map((_, i) => i));
  });

  it('answers a non-streaming Responses API request', async () => {
    model.script([{ text: 'Done.', stop: true }]);

    const response = await (
      await openai('/responses', { tools: [{ type: 'function', name: 'shell' }] })
    ).json();

    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      output: [{ type: 'message' }],
    });
  });

  it('answers Chat Completions with tool calls, streaming and not', async () => {
    model.script([
      { tool_use: { name: 'write', input: { path: 'c.txt' } } },
      { tool_use: { name: 'write', input: { path: 'd.txt' } } },
    ]);
    const tools = [{ type: 'function', function: { name: 'write' } }];

    const plain = await (await openai('/chat/completions', { tools, messages: [] })).json();
    const stream = await events(
      await openai('/chat/completions', {
        tools,
        messages: [],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );

    expect(plain).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: { tool_calls: [{ function: { name: 'write', arguments: '{"path":"c.txt"}' } }] },
        },
      ],
      usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 },
    });
    expect(stream.at(-1)?.data).toBe('[DONE]');
    const chunks = stream.slice(0, -1).map(
      (e) =>
        e.data as {
          choices: {
            delta?: { tool_calls?: { function?: { arguments?: string } }[] };
            finish_reason: string | null;
          }[];
          usage?: unknown;
        },
    );
    const args = chunks
      .flatMap((c) => c.choices)
      .map((c) => c.delta?.tool_calls?.[0]?.function?.arguments ?? '')
      .join('');
    expect(JSON.parse(args)).toEqual({ path: 'd.txt' });
    expect(chunks.flatMap((c) => c.choices).at(-1)?.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 });
  });
});
