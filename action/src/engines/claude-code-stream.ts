// Reads Claude Code's `--output-format stream-json --verbose` output: a line in the job log for
// the start, each turn's text and tool calls, tool errors and the result; turns counted by
// message; and from its final `result` event the usage, the summary, and whether it failed or
// stopped at its own limit.
import type { EngineUsage } from './engine.ts';
import { type JsonObject, oneLine, read } from './json-lines.ts';
import type { SeenEvent, StreamOutcome, StreamParser, StreamProgress } from './stream-parser.ts';
import { NOTHING_TO_SHOW } from './stream-parser.ts';

export function claudeCodeParser(): StreamParser {
  const progress: StreamProgress = { turns: 0, lastTool: null };
  const messageIds = new Set<string>();
  let result: JsonObject | undefined;
  return {
    progress,
    event(event) {
      switch (read.str(event.type)) {
        case 'system':
          return event.subtype === 'init' ? started(event) : NOTHING_TO_SHOW;
        case 'assistant':
          return assistantTurn(event, progress, messageIds);
        case 'user':
          return toolError(event);
        case 'result':
          result = event;
          return finished(event);
        default:
          return NOTHING_TO_SHOW;
      }
    },
    finish: () => (result === undefined ? noResult(progress) : outcomeOf(result, progress)),
  };
}

function started(event: JsonObject): SeenEvent {
  return {
    show: `Claude Code ${read.str(event.claude_code_version) ?? ''}, model ${read.str(event.model) ?? 'default'}`,
    progress: false,
  };
}

/** A message of the model: a new message id is a new turn; its text and tool calls are shown. */
function assistantTurn(event: JsonObject, progress: StreamProgress, messageIds: Set<string>): SeenEvent {
  const message = read.obj(event.message);
  const id = read.str(message?.id);
  if (id === null || !messageIds.has(id)) {
    if (id !== null) messageIds.add(id);
    progress.turns += 1;
  }
  const shown: string[] = [];
  let tool = false;
  for (const part of contentOf(message)) {
    if (part?.type === 'text' && typeof part.text === 'string' && part.text.trim() !== '') {
      shown.push(`[turn ${progress.turns}] ${oneLine(part.text)}`);
    } else if (part?.type === 'tool_use' && typeof part.name === 'string') {
      progress.lastTool = part.name;
      tool = true;
      shown.push(`[turn ${progress.turns}] tool: ${describeTool(part.name, read.obj(part.input))}`);
    }
  }
  return { show: shown.length > 0 ? shown.join('\n') : null, progress: tool };
}

/** The answers of tools come back as user messages; only a failed one is shown. */
function toolError(event: JsonObject): SeenEvent {
  const failed = contentOf(read.obj(event.message)).find(
    (part) => part?.type === 'tool_result' && part.is_error === true,
  );
  if (failed === undefined) return NOTHING_TO_SHOW;
  const content = typeof failed.content === 'string' ? failed.content : JSON.stringify(failed.content);
  return { show: `  tool error: ${oneLine(content)}`, progress: false };
}

function finished(event: JsonObject): SeenEvent {
  const cost = read.num(event.total_cost_usd);
  return {
    show: `Result: ${read.str(event.subtype) ?? 'unknown'}${event.is_error === true ? ' (error)' : ''}, ${read.num(event.num_turns) ?? '?'} turns${cost === null ? '' : `, $${cost.toFixed(4)}`}`,
    progress: false,
  };
}

function contentOf(message: JsonObject | undefined): (JsonObject | undefined)[] {
  return (Array.isArray(message?.content) ? message.content : []).map((block) => read.obj(block));
}

/** What a tool call says about itself in one line: the tool and its main argument. */
function describeTool(name: string, input: JsonObject | undefined): string {
  const main = input?.file_path ?? input?.command ?? input?.pattern ?? input?.path ?? input?.url;
  return typeof main === 'string' ? `${name} ${oneLine(main, 120)}` : name;
}

function noResult(progress: StreamProgress): StreamOutcome {
  return {
    usage:
      progress.turns > 0
        ? { turns: progress.turns, inputTokens: null, outputTokens: null, costUsd: null }
        : null,
    summary: null,
    error: 'Claude Code ended without a result.',
    limit: null,
  };
}

function outcomeOf(result: JsonObject, progress: StreamProgress): StreamOutcome {
  const usage = usageOf(result, progress);
  const subtype = read.str(result.subtype) ?? '';
  const text = read.str(result.result);
  const failed = result.is_error === true || subtype !== 'success';
  const limit = limitOf(subtype, usage.turns);
  return {
    usage,
    summary: failed ? null : text,
    error:
      failed && limit === null
        ? `Claude Code failed (${subtype || 'error'}): ${oneLine(text ?? 'no message', 1000)}`
        : null,
    limit,
  };
}

/** Input counts the cache reads and writes too (Anthropic reports them apart). */
function usageOf(result: JsonObject, progress: StreamProgress): EngineUsage {
  const usage = read.obj(result.usage) ?? {};
  const input = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']
    .map((key) => read.num(usage[key]))
    .filter((n): n is number => n !== null);
  return {
    turns: read.num(result.num_turns) ?? progress.turns,
    inputTokens: input.length > 0 ? input.reduce((a, b) => a + b, 0) : null,
    outputTokens: read.num(usage.output_tokens),
    costUsd: read.num(result.total_cost_usd),
  };
}

function limitOf(subtype: string, turns: number | null): string | null {
  if (subtype === 'error_max_turns') {
    return `Claude Code stopped at its turn limit (--max-turns ${turns ?? '?'}, from limits.max-turns)`;
  }
  if (subtype === 'error_max_budget_usd')
    return 'Claude Code stopped at its cost limit (limits.max-cost-usd)';
  return null;
}
