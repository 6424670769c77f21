// A scripted model server on 127.0.0.1: the Anthropic Messages API (what Claude Code calls),
// the OpenAI Responses and Chat Completions APIs (what Codex CLI and others call) and the Gemini
// API's generateContent (what Gemini CLI calls), answering from a script the test gives. Agent-loop requests (those that offer tools) consume the script;
// auxiliary requests (titles, topic detection, quota probes) get a short answer of their own.
// Every request is recorded, with the credentials it carried.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicError, anthropicMessage, writeAnthropicStream } from './anthropic.ts';
import { geminiError, geminiOffersTools, geminiResponse, geminiRoute, writeGeminiStream } from './gemini.ts';
import { writeHeld } from './held-stream.ts';
import {
  chatCompletion,
  openaiError,
  responsesObject,
  writeChatStream,
  writeResponsesStream,
} from './openai.ts';
import {
  createScriptPlayer,
  estimateTokens,
  type ModelApi,
  type ModelReply,
  type ModelRequest,
  type Script,
  type Usage,
} from './script.ts';

export type RequestKind = 'agent' | 'auxiliary' | 'count_tokens' | 'unknown';

export type RecordedRequest = {
  /** When it arrived (Date.now()), for benchmarks that time an engine's start. */
  at: number;
  method: string;
  path: string;
  query: string;
  headers: Record<string, string | string[] | undefined>;
  /** The credential headers as sent, for asserting which key reached the model API. */
  apiKey: { xApiKey?: string; authorization?: string; xGoogApiKey?: string };
  body: unknown;
  api?: ModelApi;
  kind: RequestKind;
  stream: boolean;
  status: number;
};

export type ScriptedModelServerOptions = {
  /** Script to start with (default: none, every agent request ends the turn at once). */
  script?: Script;
  /** Usage reported by every reply unless the reply overrides it. */
  usage?: Partial<Usage>;
  /** Reply for auxiliary requests (those without tools). Default: a short title-like text. */
  auxiliaryReply?: (request: Omit<ModelRequest, 'turn'>) => ModelReply;
};

export type ScriptedModelServer = {
  url: string;
  /** Value for ANTHROPIC_BASE_URL (clients append /v1/messages). */
  anthropicBaseUrl: string;
  /** Value for OPENAI_BASE_URL (clients append /responses or /chat/completions). */
  openaiBaseUrl: string;
  /** Value for GOOGLE_GEMINI_BASE_URL (clients append /v1beta/models/…). */
  geminiBaseUrl: string;
  script(script: Script): void;
  requests: RecordedRequest[];
  /** Agent-loop requests that arrived after a list script ran out. */
  readonly exhausted: number;
  close(): Promise<void>;
};

const DEFAULT_USAGE: Usage = { input_tokens: 1000, output_tokens: 50 };

function defaultAuxiliaryReply(request: Omit<ModelRequest, 'turn'>): ModelReply {
  // Claude Code asks a small model for a JSON title/topic; plain JSON text satisfies it.
  const system = JSON.stringify(request.body.system ?? '');
  if (/json/i.test(system)) return { text: '{"isNewTopic": false, "title": "Scripted task"}', stop: true };
  return { text: 'Scripted task', stop: true };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const ROUTES: Record<string, ModelApi | 'count_tokens'> = {
  '/v1/messages': 'anthropic',
  '/v1/messages/count_tokens': 'count_tokens',
  '/v1/responses': 'openai-responses',
  '/v1/chat/completions': 'openai-chat',
};

export async function startScriptedModelServer(
  options: ScriptedModelServerOptions = {},
): Promise<ScriptedModelServer> {
  const player = createScriptPlayer();
  if (options.script) player.set(options.script);
  const baseUsage: Usage = { ...DEFAULT_USAGE, ...options.usage };
  const auxiliaryReply = options.auxiliaryReply ?? defaultAuxiliaryReply;
  const requests: RecordedRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://model.invalid');
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // Recorded as text; the route answers 400 below if it needed JSON.
    }
    const record: RecordedRequest = {
      at,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: { ...req.headers },
      apiKey: Object.fromEntries(
        Object.entries({
          xApiKey: headerValue(req.headers['x-api-key']),
          authorization: headerValue(req.headers.authorization),
          xGoogApiKey: headerValue(req.headers['x-goog-api-key']) ?? url.searchParams.get('key') ?? undefined,
        }).filter(([, value]) => value !== undefined),
      ),
      body,
      kind: 'unknown',
      stream: false,
      status: 0,
    };
    requests.push(record);
    if (url.pathname === '/api/hello' && (req.method === 'HEAD' || req.method === 'GET')) {
      // Claude Code's connectivity probe at start-up (sent unless non-essential traffic is off).
      record.kind = 'auxiliary';
      record.status = 200;
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 0 }).end();
      return;
    }
    const gemini = geminiRoute(url.pathname);
    if (gemini && req.method === 'POST') {
      await handleGemini(record, gemini, url, body, res);
      return;
    }
    const route = req.method === 'POST' ? ROUTES[url.pathname] : undefined;
    if (!route) {
      record.status = 404;
      const error = url.pathname.startsWith('/v1/messages')
        ? anthropicError(404, 'not_found_error', `Unknown route ${req.method} ${url.pathname}`).body
        : openaiError(`Unknown route ${req.method} ${url.pathname}`, 'invalid_request_error');
      sendJson(res, 404, error);
      return;
    }
    const isAnthropic = route === 'anthropic' || route === 'count_tokens';
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      record.status = 400;
      sendJson(
        res,
        400,
        isAnthropic
          ? anthropicError(400, 'invalid_request_error', 'Request body must be a JSON object').body
          : openaiError('Request body must be a JSON object', 'invalid_request_error'),
      );
      return;
    }
    const json = body as Record<string, unknown>;
    if (route === 'count_tokens') {
      record.kind = 'count_tokens';
      record.api = 'anthropic';
      record.status = 200;
      sendJson(res, 200, { input_tokens: estimateTokens([json.system, json.messages, json.tools]) });
      return;
    }
    record.api = route;
    record.stream = json.stream === true;
    const tools = json.tools;
    record.kind = Array.isArray(tools) && tools.length > 0 ? 'agent' : 'auxiliary';
    const request = { api: route, path: url.pathname, headers: record.headers, body: json };
    const reply = record.kind === 'agent' ? await player.next(request) : auxiliaryReply(request);
    const usage: Usage = { ...baseUsage, ...reply.usage };
    const model = typeof json.model === 'string' ? json.model : 'scripted-model';
    const requestId = `req_${randomBytes(12).toString('hex')}`;

    if (reply.error) {
      record.status = reply.error.status;
      const errorBody = isAnthropic
        ? anthropicError(reply.error.status, reply.error.type, reply.error.message).body
        : openaiError(reply.error.message, reply.error.type);
      sendJson(res, reply.error.status, errorBody, { 'request-id': requestId, 'x-request-id': requestId });
      return;
    }
    record.status = 200;
    const stream = (write: (out: ServerResponse) => void) =>
      reply.holdUsage ? writeHeld(res, route, reply.holdUsage, write) : write(res);
    if (route === 'anthropic') {
      const message = anthropicMessage(reply, model, usage);
      if (record.stream) stream((out) => writeAnthropicStream(out, message, requestId));
      else sendJson(res, 200, message, { 'request-id': requestId });
    } else if (route === 'openai-responses') {
      const response = responsesObject(reply, model, usage);
      if (record.stream) stream((out) => writeResponsesStream(out, response, requestId));
      else sendJson(res, 200, response, { 'x-request-id': requestId });
    } else {
      const completion = chatCompletion(reply, model, usage);
      if (record.stream) stream((out) => writeChatStream(out, completion, requestId, json));
      else sendJson(res, 200, completion, { 'x-request-id': requestId });
    }
  }

  async function handleGemini(
    record: RecordedRequest,
    route: { model: string; method: string },
    url: URL,
    body: unknown,
    res: ServerResponse,
  ): Promise<void> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      record.status = 400;
      sendJson(res, 400, geminiError(400, 'Request body must be a JSON object', 'INVALID_ARGUMENT'));
      return;
    }
    const json = body as Record<string, unknown>;
    record.api = 'gemini';
    if (route.method === 'countTokens') {
      record.kind = 'count_tokens';
      record.status = 200;
      sendJson(res, 200, { totalTokens: estimateTokens(json.contents) });
      return;
    }
    if (route.method !== 'generateContent' && route.method !== 'streamGenerateContent') {
      record.status = 404;
      sendJson(res, 404, geminiError(404, `Unknown method ${route.method}`, 'NOT_FOUND'));
      return;
    }
    record.stream = route.method === 'streamGenerateContent';
    record.kind = geminiOffersTools(json) ? 'agent' : 'auxiliary';
    const request = { api: 'gemini' as const, path: url.pathname, headers: record.headers, body: json };
    const reply = record.kind === 'agent' ? await player.next(request) : auxiliaryReply(request);
    if (reply.error) {
      record.status = reply.error.status;
      sendJson(
        res,
        reply.error.status,
        geminiError(reply.error.status, reply.error.message, reply.error.type),
      );
      return;
    }
    record.status = 200;
    const response = geminiResponse(reply, route.model, { ...baseUsage, ...reply.usage });
    if (!record.stream) sendJson(res, 200, response);
    else if (reply.holdUsage)
      writeHeld(res, 'gemini', reply.holdUsage, (out) => writeGeminiStream(out, response));
    else writeGeminiStream(res, response);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: String(error) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    anthropicBaseUrl: url,
    openaiBaseUrl: `${url}/v1`,
    geminiBaseUrl: url,
    script: (script) => player.set(script),
    requests,
    get exhausted() {
      return player.exhausted;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
