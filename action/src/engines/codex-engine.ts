// Codex CLI (npm @openai/codex), headless: `codex exec --json -`, the prompt on standard input.
// The native program ships in a per-platform package (@openai/codex-linux-x64, an alias of
// @openai/codex@<version>-linux-x64) under vendor/<target triple>/bin/codex; the action runs it
// directly. Codex ignores OPENAI_BASE_URL for its built-in provider, so the proxy is declared
// as a provider of its own with `-c model_providers.…` (Responses API, key from OPENAI_API_KEY).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CliAdapter, cliEngine, platformName, read, type StreamParser } from './cli-engine.ts';
import type { Engine } from './engine.ts';
import type { CliPackage } from './install-cli.ts';
import { oneLine } from './json-lines.ts';

export const CODEX_VERSION = '0.169.0';

const TRIPLES: Record<string, string> = {
  'linux-x64': 'x86_64-unknown-linux-musl',
  'linux-arm64': 'aarch64-unknown-linux-musl',
  'darwin-x64': 'x86_64-apple-darwin',
  'darwin-arm64': 'aarch64-apple-darwin',
};

export function codexBinary(dir: string): string {
  const platform = platformName();
  return join(
    dir,
    'node_modules',
    `@openai/codex-${platform}`,
    'vendor',
    TRIPLES[platform] ?? 'unsupported-platform',
    'bin',
    'codex',
  );
}

const TOOL_ITEMS: Record<string, string> = {
  command_execution: 'shell',
  file_change: 'apply_patch',
  mcp_tool_call: 'mcp',
  web_search: 'web_search',
};

export function codexParser(): StreamParser {
  const progress = { turns: 0, lastTool: null as string | null };
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
      return { show: null, progress: false };
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

const PROVIDER_ID = 'agent-dispatch';

export function codexCli(version: string): CliPackage {
  return {
    name: '@openai/codex',
    version,
    tool: 'agent-dispatch-codex',
    entry: codexBinary,
    command: 'codex',
  };
}

const adapter: CliAdapter = {
  name: 'codex',
  modelApi: {
    provider: 'openai',
    keyVariables: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    baseUrlVariable: 'OPENAI_BASE_URL',
    defaultBaseUrl: 'https://api.openai.com/v1',
  },
  defaultVersion: CODEX_VERSION,
  cli: codexCli,
  command(installed, ctx, access) {
    const model = ctx.spec.engine.model;
    return {
      file: installed.command ?? codexBinary(installed.dir ?? ''),
      args: [
        'exec',
        '--json',
        '--skip-git-repo-check',
        // Codex's own sandbox: writes only in the checkout, no network for the commands it runs.
        '--sandbox',
        'workspace-write',
        '-c',
        `model_provider="${PROVIDER_ID}"`,
        '-c',
        `model_providers.${PROVIDER_ID}={ name = "Agent Dispatch proxy", base_url = "${access.baseUrl}", env_key = "OPENAI_API_KEY", wire_api = "responses" }`,
        ...(model === null ? [] : ['--model', model]),
        '-',
      ],
    };
  },
  environment(_ctx, access, home) {
    const codexHome = join(home, '.codex');
    mkdirSync(codexHome, { recursive: true, mode: 0o700 }); // Codex refuses a CODEX_HOME that does not exist
    return { OPENAI_API_KEY: access.apiKey, CODEX_HOME: codexHome };
  },
  createParser: codexParser,
};

export function codexEngine(): Engine {
  return cliEngine(adapter);
}
