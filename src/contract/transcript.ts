// What the engine did, as one event shape for every engine (docs/runner-api.md): the action maps
// Claude Code's, Codex's and Gemini's streams (and the command engine's output) into these,
// redacts them and posts them in small batches; the App scans them again, stores and streams them.
import { z } from 'zod';

/** Longest text of one event; longer text is cut by the action and marked. */
export const TRANSCRIPT_TEXT_LIMIT = 8_000;
/** Tool inputs and results are cut shorter: they are often whole files. */
export const TRANSCRIPT_TOOL_LIMIT = 2_000;
export const TRANSCRIPT_BATCH_LIMIT = 100;

const text = (max: number) => z.string().max(max);
const count = z.number().int().nonnegative().nullable();

export const transcriptEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: text(TRANSCRIPT_TEXT_LIMIT) }),
  z.object({
    kind: z.literal('tool_call'),
    tool: text(100),
    input: text(TRANSCRIPT_TOOL_LIMIT),
    callId: text(200).nullable(),
  }),
  z.object({
    kind: z.literal('tool_result'),
    callId: text(200).nullable(),
    output: text(TRANSCRIPT_TOOL_LIMIT),
    isError: z.boolean(),
    truncated: z.boolean(),
  }),
  z.object({
    kind: z.literal('file_edit'),
    path: text(1000),
    action: z.enum(['write', 'edit', 'delete']),
  }),
  z.object({
    kind: z.literal('usage'),
    turns: count,
    inputTokens: count,
    outputTokens: count,
    costUsd: z.number().nonnegative().nullable(),
  }),
  /** Written by the App when the task's cap is reached (or by the action when it dropped events). */
  z.object({ kind: z.literal('truncated'), reason: text(300) }),
]);
export type TranscriptEvent = z.output<typeof transcriptEventSchema>;
export type TranscriptKind = TranscriptEvent['kind'];

/** POST /api/runner/v1/tasks/{id}/transcript */
export const transcriptBatchSchema = z.object({
  attempt: z.number().int().positive(),
  events: z
    .array(
      z.object({
        /** The event's number in this attempt, from 0: a batch sent again is stored once. */
        idx: z.number().int().nonnegative(),
        event: transcriptEventSchema,
      }),
    )
    .min(1)
    .max(TRANSCRIPT_BATCH_LIMIT),
});
export type TranscriptBatch = z.output<typeof transcriptBatchSchema>;

/** The App's answer: how many were new, and whether the task's cap stops the rest. */
export const transcriptAnswerSchema = z.object({ stored: z.number().int(), truncated: z.boolean() });
export type TranscriptAnswer = z.output<typeof transcriptAnswerSchema>;

/** `text` cut to `max` characters, with a marker saying how much was cut. */
export function clip(value: string, max: number): { text: string; cut: boolean } {
  if (value.length <= max) return { text: value, cut: false };
  const marker = `… [${value.length - max} more characters]`;
  return { text: value.slice(0, Math.max(0, max - marker.length)) + marker, cut: true };
}

/** The event with `redact` applied to every string a person or a tool wrote. */
export function redactEvent(event: TranscriptEvent, redact: (text: string) => string): TranscriptEvent {
  switch (event.kind) {
    case 'text':
      return { ...event, text: redact(event.text) };
    case 'tool_call':
      return { ...event, input: redact(event.input) };
    case 'tool_result':
      return { ...event, output: redact(event.output) };
    case 'file_edit':
      return { ...event, path: redact(event.path) };
    case 'truncated':
      return { ...event, reason: redact(event.reason) };
    case 'usage':
      return event;
  }
}
