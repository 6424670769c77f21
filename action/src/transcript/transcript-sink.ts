// Streams the engine's transcript to the App while it runs: events are mapped from the engine's
// own stream (or the command's output lines), redacted, numbered, and posted in small batches
// (at most one request in flight, a batch at least every second while there is something to say).
// Best effort: a batch the App does not take is dropped with one warning, and once the App says
// the task's cap is reached nothing more is sent.
import {
  redactEvent,
  type TranscriptAnswer,
  type TranscriptBatch,
  type TranscriptEvent,
} from '../../../src/contract/transcript.ts';
import { errorMessage } from '../action-error.ts';
import type { Log } from '../github-runner/workflow-commands.ts';
import { transcriptMapper } from './engine-transcripts.ts';
import type { Redactor } from './redactor.ts';

export type TranscriptSink = {
  /** One JSON event of a CLI engine's stream. */
  raw(event: Record<string, unknown>): void;
  /** Output of the command engine: lines become text events. */
  text(chunk: string): void;
  /** Sends what is left; resolves when the last batch was answered. */
  close(): Promise<void>;
};

export type TranscriptPoster = (batch: TranscriptBatch) => Promise<TranscriptAnswer>;

const BATCH_EVENTS = 25;
const BATCH_MS = 1_000;
const TEXT_LINES = 40;

export function createTranscriptSink(options: {
  engine: string;
  attempt: number;
  post: TranscriptPoster;
  redactor: Redactor;
  log: Log;
}): TranscriptSink {
  const map = transcriptMapper(options.engine);
  let next = 0;
  let buffer: TranscriptBatch['events'] = [];
  let lines: string[] = [];
  let partial = '';
  let sending = Promise.resolve();
  let stopped = false;
  let warned = false;
  let timer: NodeJS.Timeout | undefined;

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0 || stopped) return;
    const events = buffer;
    buffer = [];
    sending = sending.then(async () => {
      if (stopped) return;
      try {
        const answer = await options.post({ attempt: options.attempt, events });
        if (answer.truncated) {
          stopped = true;
          options.log.info(
            'The transcript reached the App’s limit for this task; the rest stays in this log.',
          );
        }
      } catch (error) {
        if (!warned) options.log.warning(`Transcript not sent (the job goes on): ${errorMessage(error)}`);
        warned = true;
      }
    });
  };

  const push = (event: TranscriptEvent) => {
    if (stopped) return;
    buffer.push({ idx: next++, event: redactEvent(event, options.redactor.redact) });
    if (buffer.length >= BATCH_EVENTS) send();
    else timer ??= setTimeout(tick, BATCH_MS);
  };

  function flushLines() {
    const text = lines.join('\n');
    lines = [];
    if (text.trim() !== '') push({ kind: 'text', text: text.slice(0, 8000) });
  }

  function tick() {
    timer = undefined;
    flushLines();
    send();
  }

  return {
    raw(event) {
      if (map) for (const mapped of map(event)) push(mapped);
    },
    text(chunk) {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length >= TEXT_LINES) flushLines();
      }
      if (lines.length > 0) timer ??= setTimeout(tick, BATCH_MS);
    },
    async close() {
      if (partial !== '') lines.push(partial);
      partial = '';
      flushLines();
      send();
      await sending;
    },
  };
}
