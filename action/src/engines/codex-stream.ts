// Reads `codex exec --json` output: a line in the job log per tool step (a shell command, a
// patch, …), the agent's messages, changed files and each turn's tokens. Codex reports no turn
// count and no cost: the proxy's count of model calls and its price table fill them in.
import { oneLine, read } from './json-lines.ts';
import { NOTHING_TO_SHOW, type StreamParser, type StreamProgress } from './stream-parser.ts';

const TOOL_ITEMS: Record<string, string> = {
  command_execution: 'shell',
  file_change: 'apply_patch',
  mcp_tool_call: 'mcp',
  web_search: 'web_search',
};

export function codexParser(): StreamParser {
  const progress: StreamProgress = { turns: 0, lastTool: null };
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  let lastMessage: string | null = null;
  let failure: string | null = null;
  const add = (total: number | null, value: number | null) => (value === null ? total : (total ?? 0) + value);
  return {
    progress,
    event(event) {
      const type = read.str(event.type);
      const item = read.obj(event.item);
      const itemType = read.str(item?.type);
      if (type === 'item.started' && itemType !== null && itemType in TOOL_ITEMS) {
        progress.turns += 1;
        progress.lastTool = TOOL_ITEMS[itemType] ?? itemType;
        const what =
          itemType === 'command_execution'
            ? `$ ${oneLine(read.str(item?.command) ?? '', 160)}`
            : progress.lastTool;
        return { show: `[step ${progress.turns}] ${what}`, progress: true };
      }
      if (type === 'item.completed' && itemType === 'agent_message') {
        lastMessage = read.str(item?.text) ?? lastMessage;
        return { show: lastMessage === null ? null : `> ${oneLine(lastMessage)}`, progress: false };
      }
      if (type === 'item.completed' && itemType === 'file_change') {
        const changes = Array.isArray(item?.changes) ? item.changes : [];
        const paths = changes.map((c) => read.str(read.obj(c)?.path)).filter((p) => p !== null);
        return { show: `  changed: ${oneLine(paths.join(', '), 200)}`, progress: false };
      }
      if (type === 'turn.completed') {
        const usage = read.obj(event.usage) ?? {};
        inputTokens = add(inputTokens, read.num(usage.input_tokens));
        outputTokens = add(outputTokens, read.num(usage.output_tokens));
        return {
          show: `Turn completed: ${inputTokens ?? 0} input, ${outputTokens ?? 0} output tokens`,
          progress: false,
        };
      }
      if (type === 'turn.failed') {
        failure = read.str(read.obj(event.error)?.message) ?? 'the turn failed';
        return { show: `Turn failed: ${oneLine(failure, 500)}`, progress: false };
      }
      if (type === 'error') {
        return { show: `! ${oneLine(read.str(event.message) ?? '', 300)}`, progress: false };
      }
      return NOTHING_TO_SHOW;
    },
    finish() {
      const any = inputTokens !== null || outputTokens !== null;
      return {
        // Codex reports no turn count and no cost: the proxy's count of model calls and its
        // price table fill them in.
        usage: any ? { turns: null, inputTokens, outputTokens, costUsd: null } : null,
        summary: failure === null ? lastMessage : null,
        error: failure === null ? null : `Codex failed: ${oneLine(failure, 1000)}`,
        limit: null,
      };
    },
  };
}
