// Lays a simulator payload over GitHub's example of the same event: every key of the example is
// present (the simulator's value when it has one, the example's otherwise), and the simulator's
// own keys are kept; the schema shaping that follows drops what GitHub does not send.
type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function overExample(example: Json, value: Json): Json {
  if (isObject(example) && isObject(value)) {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(example))
      out[key] = key in value ? overExample(example[key], value[key]) : example[key];
    for (const key of Object.keys(value)) if (!(key in out)) out[key] = value[key];
    return out;
  }
  if (Array.isArray(example) && Array.isArray(value)) {
    const [template] = example;
    return template === undefined ? value : value.map((item) => overExample(template, item));
  }
  return value;
}

/** Lays each top-level value of `payload` over the same key of `example`; top-level keys are the simulator's. */
export function fitPayload(
  example: Record<string, Json> | null,
  payload: Record<string, Json>,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(payload)) {
    out[key] = example && key in example ? overExample(example[key], value) : value;
  }
  return out;
}
