// Claude Code (npm @anthropic-ai/claude-code), headless: `claude -p --output-format stream-json
// --verbose`, the prompt on standard input. Its native program ships in a per-platform package
// (@anthropic-ai/claude-code-linux-x64, …); the wrapper's postinstall only links it into place,
// so the action runs the platform package's `claude` directly and needs no install script.
// Its output is read in claude-code-stream.ts.
//
// CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 is required: without it Claude Code also talks to
// Anthropic's own endpoints (telemetry, update checks, a connectivity probe) directly, around
// the proxy.
import { join } from 'node:path';
import { claudeCodeParser } from './claude-code-stream.ts';
import { type CliAdapter, cliEngine } from './cli-engine.ts';
import { isMusl, platformName } from './cli-platform.ts';
import type { Engine } from './engine.ts';
import type { CliPackage } from './install-cli.ts';

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
    const { limits, engine, step } = ctx.spec;
    // A read-only pipeline step (plan, summary, review) is given no tool that edits files (its
    // changes would be discarded by the action and the App anyway).
    const tools = step?.readOnly
      ? ['--permission-mode', 'default', '--disallowedTools', 'Bash,Edit,MultiEdit,Write,NotebookEdit']
      : // Edits in the checkout and shell commands (builds, tests) need no approval: the job is
        // the sandbox, and what the agent proposes goes through policy and review.
        ['--permission-mode', 'acceptEdits', '--allowedTools', 'Bash'];
    return {
      file: installed.command ?? claudeCodeBinary(installed.dir ?? ''),
      args: [
        '-p',
        '--output-format',
        'stream-json',
        '--verbose',
        ...tools,
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
