// Gemini CLI (npm @google/gemini-cli), headless: `gemini --output-format stream-json -p …`, the
// prompt on standard input (Gemini appends the -p text to it). The package is one bundled
// JavaScript file run with the action's own Node.js; its optional native modules (a terminal
// emulator and a keychain binding, for interactive use) are not installed.
// GOOGLE_GEMINI_BASE_URL points it at the proxy; the key (GEMINI_API_KEY) is the dummy.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliAdapter, cliEngine, read, type StreamParser } from './cli-engine.ts';
import type { Engine } from './engine.ts';
import type { CliPackage } from './install-cli.ts';
import { oneLine } from './json-lines.ts';

export const GEMINI_VERSION = '0.61.0';

export function geminiEntry(dir: string): string {
  return join(dir, 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js');
}

export const GEMINI_SETTINGS = {
  security: { auth: { selectedType: 'gemini-api-key' } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { disableAutoUpdate: true, disableUpdateNag: true },
};

/** Appended to the prompt read from standard input. */
export const GEMINI_PROMPT_SUFFIX = 'Carry out the task described above in this repository.';

function describeTool(name: string, parameters: Record<string, unknown> | undefined): string {
  const main = parameters?.file_path ?? parameters?.command ?? parameters?.path ?? parameters?.pattern;
  return typeof main === 'string' ? `${name} ${oneLine(main, 120)}` : name;
}

export function geminiParser(): StreamParser {
  const progress = { turns: 0, lastTool: null as string | null };
  let assistant = '';
  let result: Record<string, unknown> | undefined;
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
          return { show: null, progress: false };
        case 'tool_use': {
          const name = read.str(event.tool_name) ?? 'tool';
          progress.turns += 1;
          progress.lastTool = name;
          if (assistant.trim() !== '') {
            const said = oneLine(assistant);
            assistant = '';
            return {
              show: `> ${said}\n[step ${progress.turns}] tool: ${describeTool(name, read.obj(event.parameters))}`,
              progress: true,
            };
          }
          return {
            show: `[step ${progress.turns}] tool: ${describeTool(name, read.obj(event.parameters))}`,
            progress: true,
          };
        }
        case 'tool_result':
          return event.status === 'error'
            ? {
                show: `  tool error: ${oneLine(JSON.stringify(event.error ?? event.output ?? ''))}`,
                progress: false,
              }
            : { show: null, progress: false };
        case 'error': {
          const message = read.str(event.message) ?? 'error';
          if (event.severity === 'error') errors.push(message);
          return { show: `! ${oneLine(message, 300)}`, progress: false };
        }
        case 'result': {
          result = event;
          const stats = read.obj(event.stats) ?? {};
          return {
            show: `Result: ${read.str(event.status) ?? 'unknown'}, ${read.num(stats.input_tokens) ?? '?'} input, ${read.num(stats.output_tokens) ?? '?'} output tokens, ${read.num(stats.tool_calls) ?? '?'} tool calls`,
            progress: false,
          };
        }
        default:
          return { show: null, progress: false };
      }
    },
    finish() {
      if (result === undefined) {
        return {
          usage: null,
          summary: null,
          error: `Gemini CLI ended without a result${errors.length > 0 ? `: ${oneLine(errors.join('; '), 1000)}` : '.'}`,
          limit: null,
        };
      }
      const stats = read.obj(result.stats) ?? {};
      const failed = result.status !== 'success';
      const error = read.obj(result.error);
      return {
        // Gemini reports tokens but not model calls or cost: the proxy fills those in.
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
    },
  };
}

export function geminiCli(version: string): CliPackage {
  return {
    name: '@google/gemini-cli',
    version,
    tool: 'agent-dispatch-gemini',
    entry: geminiEntry,
    command: 'gemini',
    omitOptional: true,
  };
}

const adapter: CliAdapter = {
  name: 'gemini',
  modelApi: {
    provider: 'gemini',
    keyVariables: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    baseUrlVariable: 'GOOGLE_GEMINI_BASE_URL',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  },
  defaultVersion: GEMINI_VERSION,
  cli: geminiCli,
  command(installed, ctx) {
    const model = ctx.spec.engine.model;
    const args = [
      '--output-format',
      'stream-json',
      // Edits and shell commands need no approval: the job is the sandbox.
      '--approval-mode',
      'yolo',
      '--skip-trust',
      ...(model === null ? [] : ['--model', model]),
      '--prompt',
      GEMINI_PROMPT_SUFFIX,
    ];
    return installed.command !== null
      ? { file: installed.command, args }
      : { file: process.execPath, args: [geminiEntry(installed.dir ?? ''), ...args] };
  },
  environment(_ctx, access, home) {
    // Pick the API-key method up front: with only GOOGLE_GEMINI_BASE_URL set, Gemini CLI selects
    // its "gateway" method, which headless mode refuses. No usage statistics, no update checks.
    const settings = join(home, '.gemini');
    mkdirSync(settings, { recursive: true, mode: 0o700 });
    writeFileSync(join(settings, 'settings.json'), `${JSON.stringify(GEMINI_SETTINGS, null, 2)}\n`, {
      mode: 0o600,
    });
    return {
      GOOGLE_GEMINI_BASE_URL: access.baseUrl,
      GEMINI_API_KEY: access.apiKey,
      // No container sandbox (there is no Docker inside the job to rely on), no relaunch with a
      // bigger heap, no telemetry.
      GEMINI_SANDBOX: 'false',
      GEMINI_CLI_NO_RELAUNCH: 'true',
      GEMINI_TELEMETRY_ENABLED: 'false',
    };
  },
  createParser: geminiParser,
};

export function geminiEngine(): Engine {
  return cliEngine(adapter);
}
