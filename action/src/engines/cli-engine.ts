// What the Claude Code, Codex and Gemini adapters share: install the pinned CLI, run it headless
// in the checkout with the prompt on its standard input, a private HOME and the key-holding
// proxy as its model API, turn its JSON-lines output into readable lines for the job log and
// throttled progress events for the App, and read turns, tokens and cost from its own result.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import type {
  Engine,
  EngineContext,
  EngineRunResult,
  EngineUsage,
  ModelAccess,
  ModelApiNeeds,
} from './engine.ts';
import { clipSummary, processFailure } from './engine-report.ts';
import { type CliPackage, type InstalledCli, installCli } from './install-cli.ts';
import { createLineSplitter, parseJsonLine } from './json-lines.ts';
import { runProcessTree } from './run-process-tree.ts';
import type { StreamParser } from './stream-parser.ts';

export type CliAdapter = {
  name: string;
  modelApi: ModelApiNeeds;
  /** The version installed when the spec names none. */
  defaultVersion: string;
  cli(version: string): CliPackage;
  /** The program and arguments; the prompt arrives on standard input. */
  command(installed: InstalledCli, ctx: EngineContext, access: ModelAccess): { file: string; args: string[] };
  /** Variables the CLI needs on top of the scrubbed base: its model API (the proxy), its config. */
  environment(ctx: EngineContext, access: ModelAccess, home: string): Record<string, string>;
  createParser(): StreamParser;
};

const promptFile = (ctx: EngineContext) => join(ctx.tempDir, 'prompt.md');

/** What prepare made ready: the CLI, and the variables of the CLI with its private HOME (written before the engine's user gets it). */
type Prepared = { installed: InstalledCli; env: Record<string, string> };

export function cliEngine(adapter: CliAdapter): Engine {
  let prepared: Prepared | null = null;
  return {
    name: adapter.name,
    modelApi: adapter.modelApi,
    async prepare(ctx) {
      const version = ctx.spec.engine.version ?? adapter.defaultVersion;
      const installed = reachable(await installCli(adapter.cli(version), ctx.jobEnvironment, ctx.log), ctx);
      writeFileSync(promptFile(ctx), ctx.spec.prompt, { mode: 0o600 });
      const home = privateHome(ctx);
      const env = {
        ...ctx.environment,
        HOME: home,
        ...adapter.environment(ctx, behindProxy(adapter, ctx), home),
      };
      prepared = { installed, env };
      return { version: installed.version };
    },
    async run(ctx) {
      if (prepared === null) throw new ActionError('engine-failed', `${adapter.name} was not prepared.`);
      return runCli(adapter, prepared, ctx);
    },
    parseUsage: (raw) => readUsage(adapter, raw),
  };
}

async function runCli(adapter: CliAdapter, prepared: Prepared, ctx: EngineContext): Promise<EngineRunResult> {
  const { file, args } = adapter.command(prepared.installed, ctx, behindProxy(adapter, ctx));
  const parser = adapter.createParser();
  const lines = createLineSplitter(showEvents(parser, ctx));
  const ended = await runProcessTree({
    file,
    args,
    cwd: ctx.workingDirectory,
    env: prepared.env,
    timeoutMs: ctx.timeoutMs,
    graceMs: ctx.graceMs,
    output: { stdout: (chunk) => lines.write(chunk), stderr: ctx.output.stderr },
    stdinFile: promptFile(ctx),
    identity: ctx.sandbox.identity,
  });
  lines.end();
  const outcome = parser.finish();
  return {
    exitCode: ended.exitCode,
    timedOut: ended.timedOut,
    usage: outcome.usage,
    summary: clipSummary(outcome.summary),
    error: processFailure(adapter.name, ended, ctx.timeoutMs, outcome.error),
    limit: outcome.limit,
  };
}

/** The CLI where the engine's user can run it (isolation/tool-staging.ts). */
function reachable(installed: InstalledCli, ctx: EngineContext): InstalledCli {
  return {
    ...installed,
    dir: installed.dir === null ? null : ctx.sandbox.toolPath(installed.dir),
    command: installed.command === null ? null : ctx.sandbox.toolPath(installed.command),
  };
}

function behindProxy(adapter: CliAdapter, ctx: EngineContext): ModelAccess {
  if (ctx.modelAccess === null) {
    throw new ActionError('engine-failed', `${adapter.name} runs only behind the key-holding proxy.`);
  }
  return ctx.modelAccess;
}

/** The CLI's settings, sessions and caches start empty and stay out of the checkout and the runner's home. */
function privateHome(ctx: EngineContext): string {
  const home = join(ctx.tempDir, 'home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}

/** Each line of the CLI's stdout: a readable line in the job log, a progress event when a tool was used. */
function showEvents(parser: StreamParser, ctx: EngineContext): (line: string) => void {
  const show = (text: string) => ctx.output.stdout(Buffer.from(`${text}\n`));
  return (line) => {
    const event = parseJsonLine(line);
    if (event === null) {
      if (line.trim() !== '') show(line);
      return;
    }
    ctx.transcript?.raw(event);
    const seen = parser.event(event);
    if (seen.show !== null) show(seen.show);
    if (!seen.progress) return;
    const { turns, lastTool } = parser.progress;
    ctx.reportProgress({ type: 'progress', turns, ...(lastTool === null ? {} : { lastTool }) });
  };
}

function readUsage(adapter: CliAdapter, raw: string): EngineUsage | null {
  const parser = adapter.createParser();
  for (const line of raw.split('\n')) {
    const event = parseJsonLine(line);
    if (event !== null) parser.event(event);
  }
  return parser.finish().usage;
}
