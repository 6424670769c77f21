// One small interface for every coding agent the action can run. The `command` engine is the
// first; Claude Code, Codex and Gemini adapters plug in here later, each in its own file.
import type { Log } from '../github-runner/workflow-commands.ts';
import type { ProgressEvent } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import type { OutputSink } from './run-process-tree.ts';

export type EngineUsage = {
  turns: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
};

export type EngineRunResult = {
  /** The engine process's exit code; null when it was ended by a signal. */
  exitCode: number | null;
  /** Stopped at the wall-time limit. */
  timedOut: boolean;
  usage: EngineUsage | null;
  summary: string | null;
  /** Why the engine failed, in words for the requester; null when it did not. */
  error: string | null;
};

export type EngineContext = {
  spec: TaskSpec;
  /** The checkout; the engine's working directory. */
  workingDirectory: string;
  /** A private directory outside the checkout for prompt, summary and usage files. */
  tempDir: string;
  /** The scrubbed allow-list environment (engine-environment.ts); engines only add to it. */
  environment: Record<string, string>;
  timeoutMs: number;
  /** Between SIGTERM and SIGKILL when the engine is stopped. */
  graceMs: number;
  log: Log;
  /** Where the engine's own output goes (the job log, with workflow commands disabled). */
  output: OutputSink;
  /** Best effort, throttled by the caller. */
  reportProgress(event: ProgressEvent): void;
};

export type PreparedEngine = { version: string | null };

export type Engine = {
  readonly name: string;
  /** Installs or checks what the engine needs and writes its inputs; runs before the clock. */
  prepare(ctx: EngineContext): Promise<PreparedEngine>;
  run(ctx: EngineContext): Promise<EngineRunResult>;
  /** Reads turns, tokens and cost from the engine's machine-readable report. */
  parseUsage(raw: string): EngineUsage | null;
};
