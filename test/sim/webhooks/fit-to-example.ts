// Shapes a simulator object like GitHub's example of it: keys the example has are kept (with the
// simulator's value when it has one), keys the example lacks are dropped, nested objects recurse.
// Where the example holds null or an empty list, users and apps are shaped by their known key sets.
type Json = unknown;

const userKeys = [
  'login',
  'id',
  'node_id',
  'avatar_url',
  'gravatar_id',
  'url',
  'html_url',
  'followers_url',
  'following_url',
  'gists_url',
  'starred_url',
  'subscriptions_url',
  'organizations_url',
  'repos_url',
  'events_url',
  'received_events_url',
  'type',
  'site_admin',
];
const appKeys = [
  'id',
  'slug',
  'node_id',
  'owner',
  'name',
  'description',
  'external_url',
  'html_url',
  'created_at',
  'updated_at',
  'permissions',
  'events',
];

function isObject(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function pick(value: Record<string, Json>, keys: string[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of keys) if (key in value) out[key] = key === 'owner' ? shapeByHint(value[key]) : value[key];
  return out;
}

function shapeByHint(value: Json): Json {
  if (Array.isArray(value)) return value.map(shapeByHint);
  if (!isObject(value)) return value;
  if ('login' in value && 'gravatar_id' in value) return pick(value, userKeys);
  if ('external_url' in value && 'slug' in value) return pick(value, appKeys);
  return value;
}

export function fitToExample(example: Json, value: Json): Json {
  if (isObject(example) && isObject(value)) {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(example)) {
      out[key] = key in value ? fitToExample(example[key], value[key]) : example[key];
    }
    return out;
  }
  if (Array.isArray(example) && Array.isArray(value)) {
    const [template] = example;
    return template === undefined
      ? value.map(shapeByHint)
      : value.map((item) => fitToExample(template, item));
  }
  if (example === null || example === undefined) return shapeByHint(value);
  return value;
}

/** Fits each top-level value of `payload` to the same key of `example` (when the example has it). */
export function fitPayload(
  example: Record<string, Json> | null,
  payload: Record<string, Json>,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(payload)) {
    out[key] = example && key in example ? fitToExample(example[key], value) : shapeByHint(value);
  }
  return out;
}
