// What the Claude Code, Codex and Gemini adapters share: install the pinned CLI, run it headless
// in the checkout with the prompt on its standard input, a private HOME and the key-holding
// proxy as its model API, turn its JSON-lines output into readable lines for the job log and
// throttled progress events for the App, and read turns, tokens and cost from its own result.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import type { Engine, EngineContext, EngineUsage, ModelAccess, ModelApiNeeds } from './engine.ts';
import { type CliPackage, type InstalledCli, installCli } from './install-cli.ts';
import { createLineSplitter, parseJsonLine } from './json-lines.ts';
import { runProcessTree } from './run-process-tree.ts';

export type StreamProgress = { turns: number; lastTool: string | null };

export type StreamOutcome = {
  usage: EngineUsage | null;
  summary: string | null;
  /** The CLI's own report of a failure, in words. */
  error: string | null;
  /** The CLI stopped at its own turn or cost limit. */
  limit: string | null;
};

/** Reads one CLI's JSON-lines output. */
export type StreamParser = {
  /** One JSON object from stdout: what to show in the job log (null: nothing), and whether
   *  it is worth a progress event (a tool was used). */
  event(event: Record<string, unknown>): { show: string | null; progress: boolean };
  readonly progress: StreamProgress;
  finish(): StreamOutcome;
};

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

const MAX_SUMMARY_CHARS = 4000;

function minutes(ms: number): string {
  const value = ms / 60_000;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} minute${value === 1 ? '' : 's'}`;
}

export function cliEngine(adapter: CliAdapter): Engine {
  let installed: InstalledCli | null = null;
  const promptFile = (ctx: EngineContext) => join(ctx.tempDir, 'prompt.md');

  const engine: Engine = {
    name: adapter.name,
    modelApi: adapter.modelApi,

    async prepare(ctx) {
      const version = ctx.spec.engine.version ?? adapter.defaultVersion;
      installed = await installCli(adapter.cli(version), ctx.jobEnvironment, ctx.log);
      writeFileSync(promptFile(ctx), ctx.spec.prompt, { mode: 0o600 });
      return { version: installed.version };
    },

    async run(ctx) {
      if (installed === null) throw new ActionError('engine-failed', `${adapter.name} was not prepared.`);
      if (ctx.modelAccess === null) {
        throw new ActionError('engine-failed', `${adapter.name} runs only behind the key-holding proxy.`);
      }
      const access = ctx.modelAccess;
      // A HOME of its own: the CLI's settings, sessions and caches start empty and stay out of
      // the checkout and out of the runner's home.
      const home = join(ctx.tempDir, 'home');
      mkdirSync(home, { recursive: true, mode: 0o700 });
      const { file, args } = adapter.command(installed, ctx, access);
      const parser = adapter.createParser();
      const show = (text: string) => ctx.output.stdout(Buffer.from(`${text}\n`));
      const lines = createLineSplitter((line) => {
        const event = parseJsonLine(line);
        if (event === null) {
          if (line.trim() !== '') show(line);
          return;
        }
        ctx.transcript?.raw(event);
        const seen = parser.event(event);
        if (seen.show !== null) show(seen.show);
        if (seen.progress) {
          const { turns, lastTool } = parser.progress;
          ctx.reportProgress({
            type: 'progress',
            turns,
            ...(lastTool === null ? {} : { lastTool }),
          });
        }
      });
      const result = await runProcessTree({
        file,
        args,
        cwd: ctx.workingDirectory,
        env: { ...ctx.environment, HOME: home, ...adapter.environment(ctx, access, home) },
        timeoutMs: ctx.timeoutMs,
        graceMs: ctx.graceMs,
        output: { stdout: (chunk) => lines.write(chunk), stderr: ctx.output.stderr },
        stdinFile: promptFile(ctx),
      });
      lines.end();
      const outcome = parser.finish();
      let error: string | null = null;
      if (result.spawnError !== null) error = `${adapter.name} could not be started: ${result.spawnError}`;
      else if (result.timedOut)
        error = `${adapter.name} did not finish within ${minutes(ctx.timeoutMs)} and was stopped.`;
      else if (result.signal !== null) error = `${adapter.name} was ended by ${result.signal}.`;
      else if (outcome.error !== null) error = outcome.error;
      else if (result.exitCode !== 0) error = `${adapter.name} exited with code ${result.exitCode}.`;
      return {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        usage: outcome.usage,
        summary: outcome.summary?.trim().slice(0, MAX_SUMMARY_CHARS) || null,
        error,
        limit: outcome.limit,
      };
    },

    parseUsage(raw) {
      const parser = adapter.createParser();
      for (const line of raw.split('\n')) {
        const event = parseJsonLine(line);
        if (event !== null) parser.event(event);
      }
      return parser.finish().usage;
    },
  };
  return engine;
}

/** Small readers for the CLIs' loosely typed JSON. */
export const read = {
  obj(value: unknown): Record<string, unknown> | undefined {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  },
  num(value: unknown): number | null {
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
  },
  str(value: unknown): string | null {
    return typeof value === 'string' ? value : null;
  },
};

/** A platform's name as the CLIs' per-platform npm packages spell it. */
export function platformName(): string {
  return `${process.platform}-${process.arch}`;
}

/** Linux with musl libc (Alpine) instead of glibc. */
export function isMusl(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime === undefined;
}
