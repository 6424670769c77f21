// Shapes a payload by GitHub's published webhook schemas (@octokit/webhooks-schemas): where the
// schema closes an object (additionalProperties: false), keys it does not list are dropped, so a
// payload carries exactly the fields GitHub documents for that event and action.
import { createRequire } from 'node:module';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};

let definitions: Record<string, Schema> | null = null;

function defs(): Record<string, Schema> {
  definitions ??= (
    createRequire(import.meta.url)('@octokit/webhooks-schemas') as { definitions: Record<string, Schema> }
  ).definitions;
  return definitions;
}

function resolve(schema: Schema): Schema {
  let current = schema;
  while (current.$ref) {
    const name = decodeURIComponent(current.$ref.replace('#/definitions/', ''));
    const next = defs()[name];
    if (!next) return {};
    current = next;
  }
  return current;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function typeFits(schema: Schema, value: unknown): boolean {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return true;
  if (value === null) return types.includes('null');
  if (Array.isArray(value)) return types.includes('array');
  if (isObject(value)) return types.includes('object');
  if (typeof value === 'number') return types.includes('number') || types.includes('integer');
  return types.includes(typeof value);
}

/** Picks the oneOf/anyOf branch that fits the value best (its type, then most required keys present). */
function choose(branches: Schema[], value: unknown): Schema {
  const fitting = branches
    .map(resolve)
    .filter((branch) => typeFits(branch, value) || branch.allOf !== undefined);
  if (fitting.length === 0) return branches[0] ? resolve(branches[0]) : {};
  if (!isObject(value)) return fitting[0] ?? {};
  const score = (branch: Schema) => {
    const merged = flatten(branch);
    return merged.required.filter((key) => key in value).length - merged.required.length;
  };
  return fitting.reduce((best, branch) => (score(branch) > score(best) ? branch : best));
}

type Flat = { properties: Record<string, Schema>; required: string[]; closed: boolean; items?: Schema };

function flatten(input: Schema): Flat {
  const schema = resolve(input);
  const flat: Flat = {
    properties: { ...schema.properties },
    required: [...(schema.required ?? [])],
    closed: schema.additionalProperties === false,
    ...(schema.items ? { items: schema.items } : {}),
  };
  for (const part of schema.allOf ?? []) {
    const inner = flatten(part);
    for (const [key, value] of Object.entries(inner.properties)) flat.properties[key] ??= value;
    flat.required.push(...inner.required);
    flat.closed ||= inner.closed;
    flat.items ??= inner.items;
  }
  return flat;
}

export function shapeBySchema(schema: Schema, value: unknown): unknown {
  const resolved = resolve(schema);
  const branches = resolved.oneOf ?? resolved.anyOf;
  if (branches) return shapeBySchema(choose(branches, value), value);
  const flat = flatten(resolved);
  if (Array.isArray(value))
    return flat.items ? value.map((item) => shapeBySchema(flat.items as Schema, item)) : value;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const property = flat.properties[key];
    if (!property) {
      if (!flat.closed) out[key] = item;
      continue;
    }
    if (
      item === null &&
      !flat.required.includes(key) &&
      !typeFits(resolve(property), null) &&
      !resolve(property).oneOf
    )
      continue;
    out[key] = shapeBySchema(property, item);
  }
  return out;
}

/** Shapes a whole payload by the `<event>$<action>` definition (payloads of unknown kinds pass unchanged). */
export function shapePayload(
  event: string,
  action: string | null,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  const name = action ? `${event}$${action}` : `${event}_event`;
  const schema = defs()[name];
  return schema ? (shapeBySchema(schema, payload) as Record<string, unknown>) : payload;
}
