// What a step needs from the outside world, wired by main.ts and replaced in tests.
import type { Outputs } from '../github-runner/file-commands.ts';
import type { Log, LogWriter } from '../github-runner/workflow-commands.ts';
import type { ActionInputs } from '../inputs.ts';
import type { RunnerApi } from '../runner-api/runner-api-client.ts';
import type { SecretVersionReader } from '../secrets/engine-key.ts';
import type { TranscriptPoster } from '../transcript/transcript-sink.ts';

export type StepContext = {
  inputs: ActionInputs;
  env: Record<string, string | undefined>;
  log: Log;
  /** Raw writes to the job log (the engine's output goes here). */
  write: LogWriter;
  outputs: Outputs;
  writeSummary(markdown: string): void | Promise<void>;
  api: RunnerApi;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Between SIGTERM and SIGKILL when the engine is stopped. */
  graceMs: number;
  wait: { timeoutMs: number; intervalMs: number };
  /** Reads a Google Secret Manager secret version (loaded only when a reference is used). */
  readSecret: SecretVersionReader;
  /** Where the engine's transcript goes (runner API); absent: no transcript is sent. */
  postTranscript?: TranscriptPoster;
};
