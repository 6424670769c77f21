// Anthropic Messages API wire format: a scripted reply as a `message` object, and the same
// message as the server-sent events a streaming request receives.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ModelReply, toolCalls, type Usage } from './script.ts';

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type AnthropicMessage = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: string;
  stop_sequence: null;
  usage: Required<Usage> & { service_tier: 'standard' };
};

function id(prefix: string): string {
  return `${prefix}_01${randomBytes(12).toString('hex')}`;
}

export function anthropicMessage(reply: ModelReply, model: string, usage: Usage): AnthropicMessage {
  const content: ContentBlock[] = [];
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text });
  for (const call of toolCalls(reply)) {
    content.push({ type: 'tool_use', id: call.id ?? id('toolu'), name: call.name, input: call.input });
  }
  if (content.length === 0) content.push({ type: 'text', text: '' });
  const hasTools = content.some((block) => block.type === 'tool_use');
  return {
    id: id('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: reply.stop_reason ?? (hasTools ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...usage,
      service_tier: 'standard',
    },
  };
}

export function anthropicError(status: number, type: string, message: string) {
  return { status, body: { type: 'error', error: { type, message }, request_id: id('req') } };
}

function event(res: ServerResponse, name: string, data: unknown): void {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Splits a string into a few pieces so clients see real incremental deltas. */
function chunks(text: string, size = 16): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

export function writeAnthropicStream(
  res: ServerResponse,
  message: AnthropicMessage,
  requestId: string,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': requestId,
  });
  const { usage } = message;
  event(res, 'message_start', {
    type: 'message_start',
    message: {
      ...message,
      content: [],
      stop_reason: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  event(res, 'ping', { type: 'ping' });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      event(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      for (const piece of chunks(block.text)) {
        event(res, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: piece },
        });
      }
    } else {
      event(res, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const piece of chunks(JSON.stringify(block.input))) {
        event(res, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: piece },
        });
      }
    }
    event(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  event(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
    },
  });
  event(res, 'message_stop', { type: 'message_stop' });
  res.end();
}
