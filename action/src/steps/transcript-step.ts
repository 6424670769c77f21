// The engine phase's live transcript: a redactor that knows every secret value of the job's
// environment and every value the action masks from here on (the model key, resolved Secret
// Manager values), and the sink that streams the engine's events. The command engine's standard
// output becomes text events; the CLI engines feed their JSON events themselves.
import { StringDecoder } from 'node:string_decoder';
import type { TaskSpec } from '../runner-api/task-spec.ts';
import { createRedactor } from '../transcript/redactor.ts';
import { createTranscriptSink, type TranscriptSink } from '../transcript/transcript-sink.ts';
import type { StepContext } from './step-context.ts';

export type LiveTranscript = {
  /** The step context whose `log.mask` also teaches the redactor. */
  ctx: StepContext;
  sink: TranscriptSink | undefined;
  /** Wraps the engine's stdout writer: for the command engine, it also feeds the transcript. */
  commandOutput(write: (chunk: Buffer) => void): (chunk: Buffer) => void;
};

export function startTranscript(step: StepContext, spec: TaskSpec): LiveTranscript {
  const redactor = createRedactor(step.env);
  const ctx: StepContext = {
    ...step,
    log: {
      ...step.log,
      mask(value) {
        redactor.addSecret(value);
        step.log.mask(value);
      },
    },
  };
  const sink = step.postTranscript
    ? createTranscriptSink({
        engine: spec.engine.name,
        attempt: spec.task.attempt,
        post: step.postTranscript,
        redactor,
        log: step.log,
      })
    : undefined;
  return {
    ctx,
    sink,
    commandOutput(write) {
      if (!sink || spec.engine.name !== 'command') return write;
      const decoder = new StringDecoder('utf8');
      return (chunk) => {
        write(chunk);
        sink.text(decoder.write(chunk));
      };
    },
  };
}
