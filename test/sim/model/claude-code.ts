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
  claudeCodeCli,
} from '../../../action/src/engines/claude-code-engine.ts';
import { CODEX_VERSION, codexCli } from '../../../action/src/engines/codex-engine.ts';
import { GEMINI_VERSION, geminiCli } from '../../../action/src/engines/gemini-engine.ts';
import { type CliPackage, installCli } from '../../../action/src/engines/install-cli.ts';

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

/** Installs a CLI once into the shared tool cache, as the action would; returns its directory.
 *  (With this process's environment: npm may need the machine's proxy or CA settings.) */
export async function ensureCli(cli: CliPackage): Promise<{ dir: string; installedNow: boolean }> {
  const installed = await installCli(
    // Never a copy from PATH: tests run the pinned version from the cache.
    { ...cli, command: `${cli.command}-not-looked-up-in-tests` },
    { ...process.env, RUNNER_TOOL_CACHE: sharedToolCache() },
    { info() {} },
  );
  return { dir: installed.dir as string, installedNow: installed.installedNow };
}

/** Installs the pinned Claude Code once into the shared tool cache; returns the binary to run. */
export async function ensureClaudeCode(version = CLAUDE_CODE_VERSION): Promise<ClaudeCodeInstall> {
  const { dir, installedNow } = await ensureCli(claudeCodeCli(version));
  return { version, bin: claudeCodeBinary(dir), dir, installedNow };
}

export const ensureCodex = (version = CODEX_VERSION) => ensureCli(codexCli(version));
export const ensureGemini = (version = GEMINI_VERSION) => ensureCli(geminiCli(version));
