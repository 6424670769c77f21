// Pure: how an engine's run is put in words for the requester — why its process failed, and
// its summary cut to what the report carries.
import type { ProcessTreeResult } from './run-process-tree.ts';

const MAX_SUMMARY_CHARS = 4000;

export function clipSummary(text: string | null | undefined): string | null {
  return text?.trim().slice(0, MAX_SUMMARY_CHARS) || null;
}

function minutes(ms: number): string {
  const value = ms / 60_000;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} minute${value === 1 ? '' : 's'}`;
}

/**
 * Null when it did not fail. How the process ended comes first; then the engine's own report
 * of a failure (`reported`), then a non-zero exit code.
 * @param who the engine as the sentence names it ("codex", "The command").
 */
export function processFailure(
  who: string,
  ended: ProcessTreeResult,
  timeoutMs: number,
  reported: string | null = null,
): string | null {
  if (ended.spawnError !== null) return `${who} could not be started: ${ended.spawnError}`;
  if (ended.timedOut) return `${who} did not finish within ${minutes(timeoutMs)} and was stopped.`;
  if (ended.signal !== null) return `${who} was ended by ${ended.signal}.`;
  if (reported !== null) return reported;
  if (ended.exitCode !== 0) return `${who} exited with code ${ended.exitCode}.`;
  return null;
}
