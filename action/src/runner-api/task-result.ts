// What the job posts back (docs/runner-api.md, POST …/result) and what it reads afterwards.
export type Outcome = 'completed' | 'failed' | 'timed_out' | 'limit_reached';

export type Change =
  | { path: string; status: 'added' | 'modified'; mode: string; content: string }
  | { path: string; status: 'deleted' };

export type TaskReport = {
  engine: string;
  engineVersion: string | null;
  model: string | null;
  turns: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  durationMs: number;
  exitCode: number | null;
  summary: string | null;
  error: string | null;
};

export type TaskResult = { outcome: Outcome; changes: Change[]; patch: string; report: TaskReport };

export type TaskStatus = { id: number; state: string; prUrl: string | null; error: string | null };

export type ProgressEvent = { type: 'progress'; turns?: number; lastTool?: string; message?: string };

export const TERMINAL_STATES: readonly string[] = [
  'succeeded',
  'no_changes',
  'failed',
  'cancelled',
  'rejected',
  'timed_out',
];
