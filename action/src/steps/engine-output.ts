// The engine's stdout and stderr into the job log as one stream, so the runner shows them in
// order (one UTF-8 decoder: chunks may end inside a character); at the end whatever is left and
// a newline, so the workflow command after it starts a line.
import { StringDecoder } from 'node:string_decoder';
import type { OutputSink } from '../engines/run-process-tree.ts';
import type { LogWriter } from '../github-runner/workflow-commands.ts';

export type EngineOutput = { sink: OutputSink; end(): void };

export function engineOutput(write: LogWriter): EngineOutput {
  const decoder = new StringDecoder('utf8');
  let atLineStart = true;
  const put = (text: string) => {
    if (text === '') return;
    write(text);
    atLineStart = text.endsWith('\n');
  };
  const take = (chunk: Buffer) => put(decoder.write(chunk));
  return {
    sink: { stdout: take, stderr: take },
    end() {
      put(decoder.end());
      if (!atLineStart) write('\n');
    },
  };
}
