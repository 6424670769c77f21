// The `command` engine: runs the command from the repository's .github/agent.yml with
// `bash -c` in the checkout. The command string is trusted configuration; the prompt (untrusted
// text) never becomes part of it — it arrives as a file (AGENT_PROMPT_FILE) and a variable
// (AGENT_PROMPT). The command may leave a summary in AGENT_SUMMARY_FILE and its usage as JSON
// in AGENT_USAGE_FILE ({ "turns", "inputTokens", "outputTokens", "costUsd" }, all optional).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionError } from '../action-error.ts';
import type { Engine, EngineContext, EngineUsage } from './engine.ts';
import { clipSummary, processFailure } from './engine-report.ts';
import { runProcessTree } from './run-process-tree.ts';

/** Linux refuses a single environment string over 128 KiB; larger prompts are file-only. */
export const MAX_PROMPT_ENV_BYTES = 100 * 1024;

export function commandFiles(tempDir: string) {
  return {
    prompt: join(tempDir, 'prompt.md'),
    summary: join(tempDir, 'summary.md'),
    usage: join(tempDir, 'usage.json'),
    handoff: join(tempDir, 'handoff.json'),
  };
}

function requireCommand(ctx: EngineContext): string {
  const command = ctx.spec.engine.command;
  if (command === null || command.trim() === '') {
    throw new ActionError(
      'engine-failed',
      "The command engine has no command: set `engine.command` in the repository's .github/agent.yml.",
    );
  }
  return command;
}

export function commandEngine(): Engine {
  return {
    name: 'command',

    async prepare(ctx) {
      requireCommand(ctx);
      const files = commandFiles(ctx.tempDir);
      writeFileSync(files.prompt, ctx.spec.prompt, { mode: 0o600 });
      // What earlier pipeline steps handed on (their texts; the diff is already in the checkout).
      if (ctx.spec.step)
        writeFileSync(files.handoff, JSON.stringify(ctx.spec.handoff?.received ?? []), { mode: 0o600 });
      rmSync(files.summary, { force: true });
      rmSync(files.usage, { force: true });
      return { version: ctx.spec.engine.version };
    },

    async run(ctx) {
      const command = requireCommand(ctx);
      const files = commandFiles(ctx.tempDir);
      const result = await runProcessTree({
        file: 'bash',
        args: ['-c', command],
        cwd: ctx.workingDirectory,
        env: commandEnvironment(ctx, files),
        timeoutMs: ctx.timeoutMs,
        graceMs: ctx.graceMs,
        output: ctx.output,
        identity: ctx.sandbox.identity,
      });
      if (result.leftovers > 0 && !result.timedOut) {
        ctx.log.warning(
          `The command left ${result.leftovers} process(es) running when it ended; they were stopped.`,
        );
      }
      return {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        usage: readUsageFile(files.usage, ctx),
        summary: clipSummary(ctx.sandbox.readOutput(files.summary)),
        error: processFailure('The command', result, ctx.timeoutMs),
      };
    },

    parseUsage: parseUsageClaims,
  };
}

/** The scrubbed environment and the AGENT_* variables; the prompt only when it fits in one. */
function commandEnvironment(
  ctx: EngineContext,
  files: ReturnType<typeof commandFiles>,
): Record<string, string> {
  const { spec } = ctx;
  const promptFits = Buffer.byteLength(spec.prompt) <= MAX_PROMPT_ENV_BYTES;
  if (!promptFits) {
    ctx.log.warning(
      `The prompt is ${Buffer.byteLength(spec.prompt)} bytes, too large for an environment variable: AGENT_PROMPT is not set, read AGENT_PROMPT_FILE.`,
    );
  }
  return {
    ...ctx.environment,
    AGENT_TASK_ID: String(spec.task.id),
    AGENT_PROMPT_FILE: files.prompt,
    ...(promptFits ? { AGENT_PROMPT: spec.prompt } : {}),
    AGENT_SUMMARY_FILE: files.summary,
    AGENT_USAGE_FILE: files.usage,
    ...(spec.engine.model === null ? {} : { AGENT_MODEL: spec.engine.model }),
    AGENT_MAX_TURNS: String(spec.limits.maxTurns),
    AGENT_MAX_COST_USD: String(spec.limits.maxCostUsd),
    ...(spec.step
      ? {
          AGENT_STEP: spec.step.name,
          AGENT_STEP_ROUND: String(spec.step.round),
          AGENT_HANDOFF_FILE: files.handoff,
        }
      : {}),
  };
}

function readUsageFile(path: string, ctx: EngineContext): EngineUsage | null {
  const text = ctx.sandbox.readOutput(path);
  if (text === null) return null;
  const usage = parseUsageClaims(text);
  if (usage === null) {
    ctx.log.warning(
      'AGENT_USAGE_FILE does not hold a JSON object of non-negative numbers; usage is not reported.',
    );
  }
  return usage;
}

/** The command's own claims, `{ turns, inputTokens, outputTokens, costUsd }`, each optional. */
function parseUsageClaims(raw: string): EngineUsage | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const record = json as Record<string, unknown>;
  const usage: EngineUsage = { turns: null, inputTokens: null, outputTokens: null, costUsd: null };
  for (const key of Object.keys(usage) as (keyof EngineUsage)[]) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
    usage[key] = value;
  }
  return usage;
}
