// Each engine's own stream, mapped into the one transcript event shape of the contract
// (src/contract/transcript.ts): Claude Code's stream-json, Codex's `exec --json` items and Gemini
// CLI's stream-json. Tool inputs and results are cut short here; redaction happens after.
import {
  clip,
  TRANSCRIPT_TEXT_LIMIT,
  TRANSCRIPT_TOOL_LIMIT,
  type TranscriptEvent,
} from '../../../src/contract/transcript.ts';
import { read } from '../engines/json-lines.ts';

type Raw = Record<string, unknown>;
export type TranscriptMapper = (event: Raw) => TranscriptEvent[];

const EDIT_TOOLS: Record<string, 'write' | 'edit'> = {
  Write: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  write_file: 'write',
  replace: 'edit',
  edit: 'edit',
};

function text(value: string): TranscriptEvent {
  return { kind: 'text', text: clip(value, TRANSCRIPT_TEXT_LIMIT).text };
}

function toolCall(tool: string, input: unknown, callId: string | null): TranscriptEvent[] {
  const events: TranscriptEvent[] = [
    {
      kind: 'tool_call',
      tool: tool.slice(0, 100),
      input: clip(typeof input === 'string' ? input : JSON.stringify(input ?? {}), TRANSCRIPT_TOOL_LIMIT)
        .text,
      callId: callId?.slice(0, 200) ?? null,
    },
  ];
  const path = read.str(read.obj(input)?.file_path) ?? read.str(read.obj(input)?.path);
  const action = EDIT_TOOLS[tool];
  if (action && path) events.push({ kind: 'file_edit', path: path.slice(0, 1000), action });
  return events;
}

function toolResult(output: unknown, isError: boolean, callId: string | null): TranscriptEvent {
  const clipped = clip(
    typeof output === 'string' ? output : JSON.stringify(output ?? ''),
    TRANSCRIPT_TOOL_LIMIT,
  );
  return {
    kind: 'tool_result',
    callId: callId?.slice(0, 200) ?? null,
    output: clipped.text,
    isError,
    truncated: clipped.cut,
  };
}

function usage(
  turns: number | null,
  input: number | null,
  output: number | null,
  cost: number | null,
): TranscriptEvent {
  return { kind: 'usage', turns, inputTokens: input, outputTokens: output, costUsd: cost };
}

function blocks(event: Raw): Raw[] {
  const content = read.obj(event.message)?.content;
  return Array.isArray(content) ? content.map((b) => read.obj(b)).filter((b): b is Raw => b !== null) : [];
}

export function claudeCodeTranscript(event: Raw): TranscriptEvent[] {
  const type = read.str(event.type);
  if (type === 'assistant')
    return blocks(event).flatMap((block) => {
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '')
        return [text(block.text)];
      if (block.type === 'tool_use' && typeof block.name === 'string')
        return toolCall(block.name, block.input, read.str(block.id));
      return [];
    });
  if (type === 'user')
    return blocks(event)
      .filter((block) => block.type === 'tool_result')
      .map((block) => toolResult(block.content, block.is_error === true, read.str(block.tool_use_id)));
  if (type === 'result') {
    const u = read.obj(event.usage) ?? {};
    // As the engine's own parser counts them: fresh, cache-writing and cache-read input.
    const input = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']
      .map((key) => read.num(u[key]))
      .filter((n): n is number => n !== null);
    const inputTokens = input.length > 0 ? input.reduce((a, b) => a + b, 0) : null;
    return [
      usage(
        read.num(event.num_turns),
        inputTokens,
        read.num(u.output_tokens),
        read.num(event.total_cost_usd),
      ),
    ];
  }
  return [];
}

export function codexTranscript(event: Raw): TranscriptEvent[] {
  const type = read.str(event.type);
  const item = read.obj(event.item) ?? {};
  const itemType = read.str(item.type);
  const id = read.str(item.id);
  if (type === 'item.completed' && itemType === 'agent_message' && typeof item.text === 'string')
    return [text(item.text)];
  if (type === 'item.started' && itemType === 'command_execution')
    return toolCall('shell', read.str(item.command) ?? '', id);
  if (type === 'item.completed' && itemType === 'command_execution')
    return [toolResult(item.aggregated_output ?? '', read.num(item.exit_code) !== 0, id)];
  if (type === 'item.completed' && itemType === 'file_change') {
    const changes = Array.isArray(item.changes) ? item.changes : [];
    return changes.flatMap((change: unknown) => {
      const path = read.str(read.obj(change)?.path);
      const kind = read.str(read.obj(change)?.kind);
      return path
        ? [
            {
              kind: 'file_edit' as const,
              path: path.slice(0, 1000),
              action:
                kind === 'delete'
                  ? ('delete' as const)
                  : kind === 'add'
                    ? ('write' as const)
                    : ('edit' as const),
            },
          ]
        : [];
    });
  }
  if (type === 'turn.completed') {
    const u = read.obj(event.usage) ?? {};
    return [usage(null, read.num(u.input_tokens), read.num(u.output_tokens), null)];
  }
  return [];
}

export function geminiTranscript(): TranscriptMapper {
  let said = '';
  const flush = (): TranscriptEvent[] => {
    const out = said.trim() === '' ? [] : [text(said)];
    said = '';
    return out;
  };
  return (event) => {
    switch (read.str(event.type)) {
      case 'message':
        if (event.role === 'assistant' && typeof event.content === 'string')
          said = event.delta === true ? said + event.content : event.content;
        return [];
      case 'tool_use':
        return [
          ...flush(),
          ...toolCall(read.str(event.tool_name) ?? 'tool', event.parameters, read.str(event.tool_id)),
        ];
      case 'tool_result':
        return [
          toolResult(event.output ?? event.error ?? '', event.status === 'error', read.str(event.tool_id)),
        ];
      case 'result': {
        const stats = read.obj(event.stats) ?? {};
        return [...flush(), usage(null, read.num(stats.input_tokens), read.num(stats.output_tokens), null)];
      }
      default:
        return [];
    }
  };
}

/** The mapper of an engine's stream; a new one per run (Gemini's collects its message deltas). */
export function transcriptMapper(engine: string): TranscriptMapper | null {
  if (engine === 'claude-code') return claudeCodeTranscript;
  if (engine === 'codex') return codexTranscript;
  if (engine === 'gemini') return geminiTranscript();
  return null;
}
