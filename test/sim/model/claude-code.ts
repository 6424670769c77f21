// The real Claude Code CLI for tests, installed from the npm registry into a cache outside the
// repository and run straight from its platform package.
//
// `@anthropic-ai/claude-code` declares its native binary in per-platform optional dependencies
// (`@anthropic-ai/claude-code-linux-x64`, …); its postinstall only links that binary over the
// wrapper's placeholder `bin/claude.exe`. Installing with `--ignore-scripts` and running
// `node_modules/@anthropic-ai/claude-code-<platform>/claude` needs no install script at all.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

export const CLAUDE_CODE_VERSION = '2.1.329';

/** Environment that keeps Claude Code off the network except for the model API it is given. */
export const CLAUDE_CODE_OFFLINE_ENV = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_ERROR_REPORTING: '1',
} as const;

export type ClaudeCodeInstall = { version: string; bin: string; dir: string; installedNow: boolean };

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.AGENT_DISPATCH_CACHE_DIR ??
    path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'agent-dispatch')
  );
}

function platformPackage(): string {
  const arch = process.arch;
  if (process.platform === 'linux') {
    const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
    const musl = report?.header?.glibcVersionRuntime === undefined;
    return `@anthropic-ai/claude-code-linux-${arch}${musl ? '-musl' : ''}`;
  }
  return `@anthropic-ai/claude-code-${process.platform}-${arch}`;
}

export function claudeCodeBinary(dir: string): string {
  const name = process.platform === 'win32' ? 'claude.exe' : 'claude';
  return path.join(dir, 'node_modules', platformPackage(), name);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
  });
}

/** Installs the pinned CLI once into the cache (a staging directory renamed into place, so
 *  parallel test files never see half an install) and returns the binary to run. */
export async function ensureClaudeCode(version = CLAUDE_CODE_VERSION): Promise<ClaudeCodeInstall> {
  const root = cacheRoot();
  const dir = path.join(root, `claude-code-${version}`);
  const bin = claudeCodeBinary(dir);
  if (existsSync(bin)) return { version, bin, dir, installedNow: false };
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(path.join(root, `.claude-code-${version}-staging-`));
  try {
    await run('npm', [
      'install',
      '--prefix',
      staging,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
      `@anthropic-ai/claude-code@${version}`,
    ]);
    if (!existsSync(claudeCodeBinary(staging))) {
      throw new Error(`npm installed @anthropic-ai/claude-code@${version} without ${platformPackage()}`);
    }
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished first; its copy is identical.
      if (!existsSync(bin)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { version, bin, dir, installedNow: true };
}
