// Reads `codex exec --json` output: a line in the job log per tool step (a shell command, a
// patch, …), the agent's messages, changed files and each turn's tokens. Codex reports no turn
// count and no cost: the proxy's count of model calls and its price table fill them in.
import { type JsonObject, oneLine, read } from './json-lines.ts';
import type { SeenEvent, StreamOutcome, StreamParser, StreamProgress } from './stream-parser.ts';
import { NOTHING_TO_SHOW } from './stream-parser.ts';

const TOOL_ITEMS: Record<string, string> = {
  command_execution: 'shell',
  file_change: 'apply_patch',
  mcp_tool_call: 'mcp',
  web_search: 'web_search',
};

/** What the run reported so far. */
type CodexRun = {
  inputTokens: number | null;
  outputTokens: number | null;
  lastMessage: string | null;
  failure: string | null;
};

export function codexParser(): StreamParser {
  const progress: StreamProgress = { turns: 0, lastTool: null };
  const run: CodexRun = { inputTokens: null, outputTokens: null, lastMessage: null, failure: null };
  return {
    progress,
    event(event) {
      const item = read.obj(event.item);
      switch (read.str(event.type)) {
        case 'item.started':
          return toolStep(item, progress);
        case 'item.completed':
          return itemCompleted(item, run);
        case 'turn.completed':
          return turnCompleted(read.obj(event.usage) ?? {}, run);
        case 'turn.failed':
          run.failure = read.str(read.obj(event.error)?.message) ?? 'the turn failed';
          return { show: `Turn failed: ${oneLine(run.failure, 500)}`, progress: false };
        case 'error':
          return { show: `! ${oneLine(read.str(event.message) ?? '', 300)}`, progress: false };
        default:
          return NOTHING_TO_SHOW;
      }
    },
    finish: () => outcomeOf(run),
  };
}

/** A tool item that starts is a step: a shell command is shown as the command. */
function toolStep(item: JsonObject | undefined, progress: StreamProgress): SeenEvent {
  const itemType = read.str(item?.type);
  if (itemType === null || !(itemType in TOOL_ITEMS)) return NOTHING_TO_SHOW;
  progress.turns += 1;
  progress.lastTool = TOOL_ITEMS[itemType] ?? itemType;
  const what =
    itemType === 'command_execution' ? `$ ${oneLine(read.str(item?.command) ?? '', 160)}` : progress.lastTool;
  return { show: `[step ${progress.turns}] ${what}`, progress: true };
}

/** The agent's messages (the last one is the summary) and the files a patch changed. */
function itemCompleted(item: JsonObject | undefined, run: CodexRun): SeenEvent {
  switch (read.str(item?.type)) {
    case 'agent_message':
      run.lastMessage = read.str(item?.text) ?? run.lastMessage;
      return { show: run.lastMessage === null ? null : `> ${oneLine(run.lastMessage)}`, progress: false };
    case 'file_change': {
      const changes = Array.isArray(item?.changes) ? item.changes : [];
      const paths = changes.map((c) => read.str(read.obj(c)?.path)).filter((p) => p !== null);
      return { show: `  changed: ${oneLine(paths.join(', '), 200)}`, progress: false };
    }
    default:
      return NOTHING_TO_SHOW;
  }
}

/** Tokens are summed over the turns. */
function turnCompleted(usage: JsonObject, run: CodexRun): SeenEvent {
  const add = (total: number | null, value: number | null) => (value === null ? total : (total ?? 0) + value);
  run.inputTokens = add(run.inputTokens, read.num(usage.input_tokens));
  run.outputTokens = add(run.outputTokens, read.num(usage.output_tokens));
  return {
    show: `Turn completed: ${run.inputTokens ?? 0} input, ${run.outputTokens ?? 0} output tokens`,
    progress: false,
  };
}

function outcomeOf(run: CodexRun): StreamOutcome {
  const { inputTokens, outputTokens, failure } = run;
  const any = inputTokens !== null || outputTokens !== null;
  return {
    usage: any ? { turns: null, inputTokens, outputTokens, costUsd: null } : null,
    summary: failure === null ? run.lastMessage : null,
    error: failure === null ? null : `Codex failed: ${oneLine(failure, 1000)}`,
    limit: null,
  };
}
