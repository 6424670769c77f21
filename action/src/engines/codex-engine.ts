// Codex CLI (npm @openai/codex), headless: `codex exec --json -`, the prompt on standard input.
// The native program ships in a per-platform package (@openai/codex-linux-x64, an alias of
// @openai/codex@<version>-linux-x64) under vendor/<target triple>/bin/codex; the action runs it
// directly. Codex ignores OPENAI_BASE_URL for its built-in provider, so the proxy is declared
// as a provider of its own with `-c model_providers.…` (Responses API, key from OPENAI_API_KEY).
// Its output is read in codex-stream.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CliAdapter, cliEngine } from './cli-engine.ts';
import { platformName } from './cli-platform.ts';
import { codexParser } from './codex-stream.ts';
import type { Engine } from './engine.ts';
import type { CliPackage } from './install-cli.ts';

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
