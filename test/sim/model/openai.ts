// OpenAI wire formats for a scripted reply: the Responses API (what Codex CLI streams) and
// Chat Completions, each as a JSON object and as the server-sent events of a streaming request.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ModelReply, toolCalls, type Usage } from './script.ts';

function id(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export function openaiError(message: string, type: string) {
  return { error: { message, type, param: null, code: null } };
}

type OutputItem =
  | {
      type: 'message';
      id: string;
      status: 'completed';
      role: 'assistant';
      content: { type: 'output_text'; text: string; annotations: [] }[];
    }
  | {
      type: 'function_call';
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: 'completed';
    };

export type ResponsesObject = {
  id: string;
  object: 'response';
  created_at: number;
  status: 'completed' | 'incomplete';
  error: null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  usage: {
    input_tokens: number;
    input_tokens_details: { cached_tokens: number };
    output_tokens: number;
    output_tokens_details: { reasoning_tokens: number };
    total_tokens: number;
  };
};

export function responsesObject(reply: ModelReply, model: string, usage: Usage): ResponsesObject {
  const output: OutputItem[] = [];
  if (reply.text !== undefined) {
    output.push({
      type: 'message',
      id: id('msg'),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: reply.text, annotations: [] }],
    });
  }
  for (const call of toolCalls(reply)) {
    output.push({
      type: 'function_call',
      id: id('fc'),
      call_id: call.id ?? id('call'),
      name: call.name,
      arguments: JSON.stringify(call.input),
      status: 'completed',
    });
  }
  const truncated = reply.stop_reason === 'max_tokens' || reply.stop_reason === 'max_output_tokens';
  return {
    id: id('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: truncated ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: truncated ? { reason: 'max_output_tokens' } : null,
    model,
    output,
    parallel_tool_calls: true,
    usage: {
      input_tokens: usage.input_tokens,
      input_tokens_details: { cached_tokens: usage.cache_read_input_tokens ?? 0 },
      output_tokens: usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input_tokens + usage.output_tokens,
    },
  };
}

function pieces(text: string, size = 16): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function writeResponsesStream(
  res: ServerResponse,
  response: ResponsesObject,
  requestId: string,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': requestId });
  let sequence = 0;
  const send = (type: string, data: Record<string, unknown>) => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...data })}\n\n`);
  };
  const pending = { ...response, status: 'in_progress', output: [], usage: null };
  send('response.created', { response: pending });
  send('response.in_progress', { response: pending });
  response.output.forEach((item, outputIndex) => {
    if (item.type === 'message') {
      send('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, status: 'in_progress', content: [] },
      });
      item.content.forEach((part, contentIndex) => {
        const where = { item_id: item.id, output_index: outputIndex, content_index: contentIndex };
        send('response.content_part.added', { ...where, part: { ...part, text: '' } });
        for (const delta of pieces(part.text)) send('response.output_text.delta', { ...where, delta });
        send('response.output_text.done', { ...where, text: part.text });
        send('response.content_part.done', { ...where, part });
      });
    } else {
      send('response.output_item.added', {
        output_index: outputIndex,
        item: { ...item, arguments: '', status: 'in_progress' },
      });
      for (const delta of pieces(item.arguments)) {
        send('response.function_call_arguments.delta', {
          item_id: item.id,
          output_index: outputIndex,
          delta,
        });
      }
      send('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: outputIndex,
        arguments: item.arguments,
      });
    }
    send('response.output_item.done', { output_index: outputIndex, item });
  });
  send(response.status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  res.end();
}

export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    };
    finish_reason: string;
    logprobs: null;
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

export function chatCompletion(reply: ModelReply, model: string, usage: Usage): ChatCompletion {
  const calls = toolCalls(reply).map((call) => ({
    id: call.id ?? id('call'),
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.input) },
  }));
  const finish =
    reply.stop_reason === 'max_tokens'
      ? 'length'
      : calls.length > 0 && !reply.stop_reason
        ? 'tool_calls'
        : 'stop';
  return {
    id: id('chatcmpl'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        finish_reason: finish,
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: usage.input_tokens,
      completion_tokens: usage.output_tokens,
      total_tokens: usage.input_tokens + usage.output_tokens,
    },
  };
}

export function writeChatStream(
  res: ServerResponse,
  completion: ChatCompletion,
  requestId: string,
  request: Record<string, unknown>,
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': requestId });
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => {
    const data = { ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] };
    res.write(`data: ${JSON.stringify(data)}\n\n`);
  };
  const choice = completion.choices[0]!;
  chunk({ role: 'assistant', content: '' });
  for (const piece of pieces(choice.message.content ?? '')) chunk({ content: piece });
  (choice.message.tool_calls ?? []).forEach((call, index) => {
    chunk({
      tool_calls: [
        { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
      ],
    });
    for (const piece of pieces(call.function.arguments)) {
      chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });
  chunk({}, choice.finish_reason);
  const streamOptions = request.stream_options as { include_usage?: boolean } | undefined;
  if (streamOptions?.include_usage) {
    res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: completion.usage })}\n\n`);
  }
  res.write('data: [DONE]\n\n');
  res.end();
}
