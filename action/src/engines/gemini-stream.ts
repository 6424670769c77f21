// Reads `gemini --output-format stream-json` output: a line in the job log for the start, each
// tool call (with what the assistant said before it), tool errors, errors and the result; and
// from the final `result` event the tokens, the summary (the assistant's last text) and whether
// it failed. Gemini reports tokens but not model calls or cost: the proxy fills those in.
import { type JsonObject, oneLine, read } from './json-lines.ts';
import type { SeenEvent, StreamOutcome, StreamParser, StreamProgress } from './stream-parser.ts';
import { NOTHING_TO_SHOW } from './stream-parser.ts';

export function geminiParser(): StreamParser {
  const progress: StreamProgress = { turns: 0, lastTool: null };
  let assistant = '';
  let result: JsonObject | undefined;
  const errors: string[] = [];
  return {
    progress,
    event(event) {
      switch (read.str(event.type)) {
        case 'init':
          return { show: `Gemini CLI, model ${read.str(event.model) ?? 'default'}`, progress: false };
        case 'message':
          if (event.role === 'assistant' && typeof event.content === 'string') {
            // Deltas: collected for the summary, not logged piece by piece.
            assistant = event.delta === true ? assistant + event.content : event.content;
          }
          return NOTHING_TO_SHOW;
        case 'tool_use': {
          const seen = toolUse(event, progress, assistant);
          assistant = '';
          return seen;
        }
        case 'tool_result':
          return toolError(event);
        case 'error': {
          const message = read.str(event.message) ?? 'error';
          if (event.severity === 'error') errors.push(message);
          return { show: `! ${oneLine(message, 300)}`, progress: false };
        }
        case 'result':
          result = event;
          return finished(event);
        default:
          return NOTHING_TO_SHOW;
      }
    },
    finish: () => (result === undefined ? noResult(errors) : outcomeOf(result, assistant, errors)),
  };
}

/** A tool call is a step; what the assistant said before it is shown first. */
function toolUse(event: JsonObject, progress: StreamProgress, said: string): SeenEvent {
  const name = read.str(event.tool_name) ?? 'tool';
  progress.turns += 1;
  progress.lastTool = name;
  const step = `[step ${progress.turns}] tool: ${describeTool(name, read.obj(event.parameters))}`;
  return { show: said.trim() !== '' ? `> ${oneLine(said)}\n${step}` : step, progress: true };
}

function toolError(event: JsonObject): SeenEvent {
  if (event.status !== 'error') return NOTHING_TO_SHOW;
  return {
    show: `  tool error: ${oneLine(JSON.stringify(event.error ?? event.output ?? ''))}`,
    progress: false,
  };
}

function finished(event: JsonObject): SeenEvent {
  const stats = read.obj(event.stats) ?? {};
  return {
    show: `Result: ${read.str(event.status) ?? 'unknown'}, ${read.num(stats.input_tokens) ?? '?'} input, ${read.num(stats.output_tokens) ?? '?'} output tokens, ${read.num(stats.tool_calls) ?? '?'} tool calls`,
    progress: false,
  };
}

function describeTool(name: string, parameters: JsonObject | undefined): string {
  const main = parameters?.file_path ?? parameters?.command ?? parameters?.path ?? parameters?.pattern;
  return typeof main === 'string' ? `${name} ${oneLine(main, 120)}` : name;
}

function noResult(errors: string[]): StreamOutcome {
  return {
    usage: null,
    summary: null,
    error: `Gemini CLI ended without a result${errors.length > 0 ? `: ${oneLine(errors.join('; '), 1000)}` : '.'}`,
    limit: null,
  };
}

function outcomeOf(result: JsonObject, assistant: string, errors: string[]): StreamOutcome {
  const stats = read.obj(result.stats) ?? {};
  const failed = result.status !== 'success';
  const error = read.obj(result.error);
  return {
    usage: {
      turns: null,
      inputTokens: read.num(stats.input_tokens),
      outputTokens: read.num(stats.output_tokens),
      costUsd: null,
    },
    summary: failed ? null : assistant.trim() || null,
    error: failed
      ? `Gemini CLI failed: ${oneLine(read.str(error?.message) ?? (errors.join('; ') || 'no message'), 1000)}`
      : null,
    limit: null,
  };
}
