// One small interface for every coding agent the action can run: `command`, and the Claude Code,
// Codex and Gemini CLIs (cli-engine.ts and one adapter file each). The table is select-engine.ts.
import type { Log } from '../github-runner/workflow-commands.ts';
import type { EngineSandbox } from '../isolation/engine-sandbox.ts';
import type { Provider } from '../proxy/usage-meter.ts';
import type { ProgressEvent } from '../runner-api/task-result.ts';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import type { TranscriptSink } from '../transcript/transcript-sink.ts';
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
  /** Set when the engine stopped at its own turn or cost limit (e.g. Claude Code's --max-turns). */
  limit?: string | null;
  /** The model that answered, when the spec named none (seen by the proxy). */
  model?: string | null;
};

/** Where an engine that calls a model API reaches it: the key-holding proxy. */
export type ModelAccess = { baseUrl: string; apiKey: string };

/** What an engine needs from the key-holding proxy (model-proxy.ts). */
export type ModelApiNeeds = {
  provider: Provider;
  /** Variables of the job that may hold the real key (or a gcp-sm:// reference); first set wins. */
  keyVariables: readonly string[];
  /** A variable of the job naming the real API's base URL (a gateway); the default otherwise. */
  baseUrlVariable: string;
  defaultBaseUrl: string;
};

export type EngineContext = {
  spec: TaskSpec;
  /** The checkout; the engine's working directory. */
  workingDirectory: string;
  /** A private directory outside the checkout for prompt, summary and usage files (the sandbox's). */
  tempDir: string;
  /** As whom and where the engine runs (isolation/): its user, its tools, its output files. */
  sandbox: EngineSandbox;
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
  /** The job's own environment: what prepare may read (RUNNER_TOOL_CACHE, npm settings). */
  jobEnvironment: Record<string, string | undefined>;
  /** The proxy, for engines with `modelApi`; null for the others. */
  modelAccess: ModelAccess | null;
  /** The live transcript (already redacting); absent when none is sent. */
  transcript?: TranscriptSink;
};

export type PreparedEngine = { version: string | null };

export type Engine = {
  readonly name: string;
  /** Set for engines that call a model API: the action starts the key-holding proxy for them. */
  readonly modelApi?: ModelApiNeeds;
  /** Installs or checks what the engine needs and writes its inputs; runs before the clock. */
  prepare(ctx: EngineContext): Promise<PreparedEngine>;
  run(ctx: EngineContext): Promise<EngineRunResult>;
  /** Reads turns, tokens and cost from the engine's machine-readable report. */
  parseUsage(raw: string): EngineUsage | null;
};
