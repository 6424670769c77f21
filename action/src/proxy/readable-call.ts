// What the proxy must be able to read of a model call before it lets it through, since the
// call's worst-case cost comes from it (request-cost.ts): its body as a JSON object (decoded
// first when the engine compressed it, as the API would), the model it names, and nothing that
// moves the work and its bill out of the answer the proxy meters (OpenAI's `background`
// responses run on after the answer, their usage fetched later by an id the proxy never
// forwards; its priority tier is billed above the list prices the proxy meters at). A call that fails this is answered by the proxy, never forwarded unmetered.
import { brotliDecompressSync, gunzipSync, inflateSync, zstdDecompressSync } from 'node:zlib';
import type { ModelCall } from './provider-routes.ts';
import { obj } from './provider-usage.ts';
import type { Provider } from './usage-meter.ts';

export type ReadableCall = { ok: true; body: Buffer } | { ok: false; message: string };

const DECODERS: Record<string, (data: Buffer, options: { maxOutputLength: number }) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
  zstd: zstdDecompressSync,
};

const refused = (why: string): ReadableCall => ({
  ok: false,
  message: `Agent Dispatch proxy: this model call was not forwarded: ${why}, so its cost cannot be bounded against the task's limits.`,
});

/** The body as the API would read it: decoded in the order the encodings were applied. */
function decoded(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer | string {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '' && part !== 'identity');
  let data = body;
  for (const encoding of encodings.reverse()) {
    const decode = Object.hasOwn(DECODERS, encoding) ? DECODERS[encoding] : undefined;
    if (decode === undefined) return `its content-encoding "${encoding}" is not one the proxy reads`;
    try {
      data = decode(data, { maxOutputLength: maxBytes });
    } catch {
      return `its ${encoding} body could not be decoded within ${maxBytes} bytes`;
    }
  }
  return data;
}

/** Pure but for decompression: the call's readable body, or why the proxy answers it itself. */
export function readableCall(
  provider: Provider,
  call: ModelCall,
  body: Buffer,
  contentEncoding: string | undefined,
  maxBytes: number,
): ReadableCall {
  const data = decoded(body, contentEncoding, maxBytes);
  if (typeof data === 'string') return refused(data);
  let request: Record<string, unknown> | undefined;
  try {
    request = obj(JSON.parse(data.toString('utf8')));
  } catch {
    request = undefined;
  }
  if (request === undefined) return refused('its body is not a JSON object');
  const named = typeof request.model === 'string' && request.model.trim() !== '';
  if (call.model === null && !named) return refused('it names no model');
  if (provider === 'openai' && request.background !== undefined && request.background !== false) {
    return refused('a background response runs on after its answer, out of the proxy’s sight');
  }
  if (provider === 'openai' && (request.service_tier === 'priority' || request.service_tier === 'scale')) {
    return refused(
      `the "${request.service_tier}" service tier is billed above the prices the proxy meters at`,
    );
  }
  return { ok: true, body: data };
}
