// Gemini CLI (npm @google/gemini-cli), headless: `gemini --output-format stream-json -p …`, the
// prompt on standard input (Gemini appends the -p text to it). The package is one bundled
// JavaScript file run with the action's own Node.js; its optional native modules (a terminal
// emulator and a keychain binding, for interactive use) are not installed.
// GOOGLE_GEMINI_BASE_URL points it at the proxy; the key (GEMINI_API_KEY) is the dummy.
// Its output is read in gemini-stream.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliAdapter, cliEngine } from './cli-engine.ts';
import type { Engine } from './engine.ts';
import { geminiParser } from './gemini-stream.ts';
import type { CliPackage } from './install-cli.ts';

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
      : { file: ctx.sandbox.toolPath(process.execPath), args: [geminiEntry(installed.dir ?? ''), ...args] };
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
