// Gemini API wire format (what Gemini CLI calls): a scripted reply as a GenerateContentResponse,
// and the same response as the server-sent events of `:streamGenerateContent?alt=sse`.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ModelReply, toolCalls, type Usage } from './script.ts';

type Part = { text: string } | { functionCall: { id: string; name: string; args: Record<string, unknown> } };

export type GeminiResponse = {
  candidates: { content: { role: 'model'; parts: Part[] }; finishReason: string; index: 0 }[];
  usageMetadata: {
    promptTokenCount: number;
    candidatesTokenCount: number;
    totalTokenCount: number;
    cachedContentTokenCount?: number;
  };
  modelVersion: string;
  responseId: string;
};

export function geminiError(status: number, message: string, code: string) {
  return { error: { code: status, message, status: code } };
}

/** `models/gemini-2.5-pro:streamGenerateContent` → the model and the method. */
export function geminiRoute(path: string): { model: string; method: string } | null {
  const match = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):([A-Za-z]+)$/.exec(path);
  return match ? { model: decodeURIComponent(match[1] ?? ''), method: match[2] ?? '' } : null;
}

/** Whether the request offers function declarations (an agent-loop request). */
export function geminiOffersTools(body: Record<string, unknown>): boolean {
  const tools = Array.isArray(body.tools) ? (body.tools as { functionDeclarations?: unknown[] }[]) : [];
  return tools.some(
    (tool) => Array.isArray(tool.functionDeclarations) && tool.functionDeclarations.length > 0,
  );
}

export function geminiResponse(reply: ModelReply, model: string, usage: Usage): GeminiResponse {
  const parts: Part[] = [];
  if (reply.text !== undefined) parts.push({ text: reply.text });
  for (const call of toolCalls(reply)) {
    parts.push({
      functionCall: {
        id: call.id ?? `call_${randomBytes(8).toString('hex')}`,
        name: call.name,
        args: call.input,
      },
    });
  }
  if (parts.length === 0) parts.push({ text: '' });
  const prompt = usage.input_tokens + (usage.cache_read_input_tokens ?? 0);
  return {
    candidates: [
      {
        content: { role: 'model', parts },
        finishReason: reply.stop_reason === 'max_tokens' ? 'MAX_TOKENS' : 'STOP',
        index: 0,
      },
    ],
    usageMetadata: {
      promptTokenCount: prompt,
      candidatesTokenCount: usage.output_tokens,
      totalTokenCount: prompt + usage.output_tokens,
      ...(usage.cache_read_input_tokens ? { cachedContentTokenCount: usage.cache_read_input_tokens } : {}),
    },
    modelVersion: model,
    responseId: randomBytes(12).toString('base64url'),
  };
}

/** Text first (in pieces), then the function calls with the finish reason and the usage. */
export function writeGeminiStream(res: ServerResponse, response: GeminiResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  const candidate = response.candidates[0]!;
  const texts = candidate.content.parts.filter((part): part is { text: string } => 'text' in part);
  const calls = candidate.content.parts.filter((part) => 'functionCall' in part);
  const base = { modelVersion: response.modelVersion, responseId: response.responseId };
  for (const part of texts) {
    if (part.text === '') continue;
    send({ ...base, candidates: [{ content: { role: 'model', parts: [part] }, index: 0 }] });
  }
  send({
    ...base,
    candidates: [
      {
        content: { role: 'model', parts: calls.length > 0 ? calls : [{ text: '' }] },
        finishReason: candidate.finishReason,
        index: 0,
      },
    ],
    usageMetadata: response.usageMetadata,
  });
  res.end();
}
