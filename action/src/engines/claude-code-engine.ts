// Claude Code (npm @anthropic-ai/claude-code), headless: `claude -p --output-format stream-json
// --verbose`, the prompt on standard input. Its native program ships in a per-platform package
// (@anthropic-ai/claude-code-linux-x64, …); the wrapper's postinstall only links it into place,
// so the action runs the platform package's `claude` directly and needs no install script.
//
// CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 is required: without it Claude Code also talks to
// Anthropic's own endpoints (telemetry, update checks, a connectivity probe) directly, around
// the proxy.
import { join } from 'node:path';
import { type CliAdapter, cliEngine, isMusl, platformName, read, type StreamParser } from './cli-engine.ts';
import type { Engine, EngineUsage } from './engine.ts';
import type { CliPackage } from './install-cli.ts';
import { oneLine } from './json-lines.ts';

export const CLAUDE_CODE_VERSION = '2.1.329';

/** Keeps Claude Code off the network except for the model API it is given. */
export const CLAUDE_CODE_OFFLINE_ENV = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
} as const;

export function claudeCodePlatformPackage(): string {
  return `@anthropic-ai/claude-code-${platformName()}${isMusl() ? '-musl' : ''}`;
}

/** The native program inside an npm install directory. */
export function claudeCodeBinary(dir: string): string {
  return join(
    dir,
    'node_modules',
    claudeCodePlatformPackage(),
    process.platform === 'win32' ? 'claude.exe' : 'claude',
  );
}

/** What a tool call says about itself in one line: the tool and its main argument. */
function describeTool(name: string, input: Record<string, unknown> | undefined): string {
  const main = input?.file_path ?? input?.command ?? input?.pattern ?? input?.path ?? input?.url;
  return typeof main === 'string' ? `${name} ${oneLine(main, 120)}` : name;
}

export function claudeCodeParser(): StreamParser {
  const progress = { turns: 0, lastTool: null as string | null };
  const messageIds = new Set<string>();
  let result: Record<string, unknown> | undefined;
  return {
    progress,
    event(event) {
      const type = read.str(event.type);
      if (type === 'system' && event.subtype === 'init') {
        return {
          show: `Claude Code ${read.str(event.claude_code_version) ?? ''}, model ${read.str(event.model) ?? 'default'}`,
          progress: false,
        };
      }
      if (type === 'assistant') {
        const message = read.obj(event.message);
        const id = read.str(message?.id);
        if (id === null || !messageIds.has(id)) {
          if (id !== null) messageIds.add(id);
          progress.turns += 1;
        }
        const shown: string[] = [];
        let tool = false;
        for (const block of Array.isArray(message?.content) ? message.content : []) {
          const part = read.obj(block);
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
      if (type === 'user') {
        const message = read.obj(event.message);
        for (const block of Array.isArray(message?.content) ? message.content : []) {
          const part = read.obj(block);
          if (part?.type === 'tool_result' && part.is_error === true) {
            const content = typeof part.content === 'string' ? part.content : JSON.stringify(part.content);
            return { show: `  tool error: ${oneLine(content)}`, progress: false };
          }
        }
        return { show: null, progress: false };
      }
      if (type === 'result') {
        result = event;
        const cost = read.num(event.total_cost_usd);
        return {
          show: `Result: ${read.str(event.subtype) ?? 'unknown'}${event.is_error === true ? ' (error)' : ''}, ${read.num(event.num_turns) ?? '?'} turns${cost === null ? '' : `, $${cost.toFixed(4)}`}`,
          progress: false,
        };
      }
      return { show: null, progress: false };
    },
    finish() {
      if (result === undefined) {
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
      const usage = read.obj(result.usage) ?? {};
      const input = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']
        .map((key) => read.num(usage[key]))
        .filter((n): n is number => n !== null);
      const parsed: EngineUsage = {
        turns: read.num(result.num_turns) ?? progress.turns,
        inputTokens: input.length > 0 ? input.reduce((a, b) => a + b, 0) : null,
        outputTokens: read.num(usage.output_tokens),
        costUsd: read.num(result.total_cost_usd),
      };
      const subtype = read.str(result.subtype) ?? '';
      const text = read.str(result.result);
      const failed = result.is_error === true || subtype !== 'success';
      let limit: string | null = null;
      if (subtype === 'error_max_turns') {
        limit = `Claude Code stopped at its turn limit (--max-turns ${parsed.turns ?? '?'}, from limits.max-turns)`;
      } else if (subtype === 'error_max_budget_usd') {
        limit = 'Claude Code stopped at its cost limit (limits.max-cost-usd)';
      }
      return {
        usage: parsed,
        summary: failed ? null : text,
        error:
          failed && limit === null
            ? `Claude Code failed (${subtype || 'error'}): ${oneLine(text ?? 'no message', 1000)}`
            : null,
        limit,
      };
    },
  };
}

export function claudeCodeCli(version: string): CliPackage {
  return {
    name: '@anthropic-ai/claude-code',
    version,
    tool: 'agent-dispatch-claude-code',
    entry: claudeCodeBinary,
    command: 'claude',
  };
}

const adapter: CliAdapter = {
  name: 'claude-code',
  modelApi: {
    provider: 'anthropic',
    keyVariables: ['ANTHROPIC_API_KEY'],
    baseUrlVariable: 'ANTHROPIC_BASE_URL',
    defaultBaseUrl: 'https://api.anthropic.com',
  },
  defaultVersion: CLAUDE_CODE_VERSION,
  cli: claudeCodeCli,
  command(installed, ctx) {
    const { limits, engine } = ctx.spec;
    return {
      file: installed.command ?? claudeCodeBinary(installed.dir ?? ''),
      args: [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        // Edits in the checkout and shell commands (builds, tests) need no approval: the job is
        // the sandbox, and what the agent proposes goes through policy and review.
        '--permission-mode',
        'acceptEdits',
        '--allowedTools',
        'Bash',
        '--max-turns',
        String(limits.maxTurns),
        ...(engine.model === null ? [] : ['--model', engine.model]),
      ],
    };
  },
  environment: (_ctx, access, home) => ({
    ANTHROPIC_BASE_URL: access.baseUrl,
    ANTHROPIC_API_KEY: access.apiKey,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    ...CLAUDE_CODE_OFFLINE_ENV,
  }),
  createParser: claudeCodeParser,
};

export function claudeCodeEngine(): Engine {
  return cliEngine(adapter);
}
