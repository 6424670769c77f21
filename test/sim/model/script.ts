// What a scripted model says: the test gives a list of replies (consumed one per agent-loop
// request) or a function that decides each reply from the request.

export type ToolCall = { name: string; input: Record<string, unknown>; id?: string };

export type Usage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
};

export type ModelReply = {
  /** Assistant text (comes before any tool calls). */
  text?: string;
  /** One tool call or several in one turn. */
  tool_use?: ToolCall | ToolCall[];
  /** Ends the turn (`end_turn`); a reply without tool calls ends the turn anyway. */
  stop?: boolean;
  /** Overrides the stop reason (e.g. `max_tokens`). */
  stop_reason?: string;
  /** Overrides the server's default usage for this reply. */
  usage?: Partial<Usage>;
  /** A streamed answer stops before the events that carry its final usage until this settles. */
  holdUsage?: Promise<void>;
  /** Answer with an API error instead, as the provider would (e.g. 529 overloaded_error). */
  error?: { status: number; type: string; message: string };
};

export type ModelApi = 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini';

export type ModelRequest = {
  api: ModelApi;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  /** 1-based index of this request among the agent-loop requests (those that consume the script). */
  turn: number;
};

export type ScriptFunction = (request: ModelRequest) => ModelReply | Promise<ModelReply>;
export type Script = ModelReply[] | ScriptFunction;

export const SCRIPT_EXHAUSTED_TEXT = 'The scripted model has no more replies.';

export function toolCalls(reply: ModelReply): ToolCall[] {
  if (!reply.tool_use) return [];
  return Array.isArray(reply.tool_use) ? reply.tool_use : [reply.tool_use];
}

/** Holds the current script and hands out replies; counts what it could not answer. */
export function createScriptPlayer() {
  let script: Script = [];
  let position = 0;
  let turns = 0;
  let exhausted = 0;
  return {
    set(next: Script): void {
      script = next;
      position = 0;
      turns = 0;
      exhausted = 0;
    },
    get turns(): number {
      return turns;
    },
    /** Agent-loop requests that arrived after a list script ran out. */
    get exhausted(): number {
      return exhausted;
    },
    async next(request: Omit<ModelRequest, 'turn'>): Promise<ModelReply> {
      turns += 1;
      if (typeof script === 'function') return script({ ...request, turn: turns });
      const reply = script[position];
      if (!reply) {
        exhausted += 1;
        return { text: SCRIPT_EXHAUSTED_TEXT, stop: true };
      }
      position += 1;
      return reply;
    },
  };
}

/** A rough token count (four characters a token), enough for usage and count_tokens answers. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}
