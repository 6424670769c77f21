// What a CLI adapter's reader of the CLI's JSON-lines output gives the CLI engine (cli-engine.ts):
// per event, a line for the job log and whether it is worth a progress event; at the end, what
// the CLI reported about its run.
import type { EngineUsage } from './engine.ts';
import type { JsonObject } from './json-lines.ts';

export type StreamProgress = { turns: number; lastTool: string | null };

/** What to show in the job log for one event (null: nothing), and whether a tool was used. */
export type SeenEvent = { show: string | null; progress: boolean };

export const NOTHING_TO_SHOW: SeenEvent = { show: null, progress: false };

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
  /** One JSON object from stdout. */
  event(event: JsonObject): SeenEvent;
  readonly progress: StreamProgress;
  finish(): StreamOutcome;
};
