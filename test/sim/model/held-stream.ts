// A streamed answer that stops before its last events until the test lets it go on: everything
// up to the content is sent at once, the events that carry the final usage wait for `hold`.
// With it a test can hang up on a stream after its content came and before it said its usage.
import type { ServerResponse } from 'node:http';
import type { ModelApi } from './script.ts';

/** How many writes at the end of each API's stream carry the final usage (and the end). */
const FINAL_WRITES: Record<ModelApi, number> = {
  anthropic: 2, // message_delta (usage), message_stop
  'openai-responses': 1, // response.completed
  'openai-chat': 3, // the finish chunk, the usage chunk, [DONE]
  gemini: 1, // the last chunk: finish reason and usageMetadata
};

/** Runs `write(held)` against a stand-in that sends all but the final writes now, the rest after `hold`. */
export function writeHeld(
  res: ServerResponse,
  api: ModelApi,
  hold: Promise<void>,
  write: (held: ServerResponse) => void,
): void {
  const writes: unknown[] = [];
  const stand = new Proxy(res, {
    get(target, property) {
      if (property === 'write') return (chunk: unknown) => writes.push(chunk) > 0;
      if (property === 'end') return () => undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  write(stand);
  const keep = Math.min(FINAL_WRITES[api], writes.length);
  for (const chunk of writes.slice(0, writes.length - keep)) res.write(chunk as string);
  void hold.then(() => {
    if (res.destroyed) return;
    for (const chunk of writes.slice(writes.length - keep)) res.write(chunk as string);
    res.end();
  });
}
