// The real Claude Code CLI for tests, installed from the npm registry the way the action installs
// it (action/src/engines/install-cli.ts): into a tool cache outside the repository, shared by
// these tests and by the simulated runner's jobs, so it is downloaded once per machine.
//
// `@anthropic-ai/claude-code` declares its native binary in per-platform optional dependencies
// (`@anthropic-ai/claude-code-linux-x64`, …); its postinstall only links that binary over the
// wrapper's placeholder `bin/claude.exe`. Installing with `--ignore-scripts` and running
// `node_modules/@anthropic-ai/claude-code-<platform>/claude` needs no install script at all.
import { homedir } from 'node:os';
import path from 'node:path';
import {
  CLAUDE_CODE_OFFLINE_ENV,
  CLAUDE_CODE_VERSION,
  claudeCodeBinary,
} from '../../../action/src/engines/claude-code-engine.ts';
import { installCli } from '../../../action/src/engines/install-cli.ts';

export { CLAUDE_CODE_OFFLINE_ENV, CLAUDE_CODE_VERSION, claudeCodeBinary };

export type ClaudeCodeInstall = { version: string; bin: string; dir: string; installedNow: boolean };

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.AGENT_DISPATCH_CACHE_DIR ??
    path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'agent-dispatch')
  );
}

/** The tool cache (RUNNER_TOOL_CACHE) the tests and the simulated runner share. */
export function sharedToolCache(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), 'runner-tool-cache');
}

/** Installs the pinned CLI once into the shared tool cache and returns the binary to run. */
export async function ensureClaudeCode(version = CLAUDE_CODE_VERSION): Promise<ClaudeCodeInstall> {
  const installed = await installCli(
    {
      name: '@anthropic-ai/claude-code',
      version,
      tool: 'agent-dispatch-claude-code',
      entry: claudeCodeBinary,
      command: 'claude-not-on-path-in-tests',
    },
    { ...process.env, RUNNER_TOOL_CACHE: sharedToolCache() },
    { info() {} },
  );
  const dir = installed.dir as string;
  return { version, bin: claudeCodeBinary(dir), dir, installedNow: installed.installedNow };
}
