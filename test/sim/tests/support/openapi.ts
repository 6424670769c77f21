// Validates simulator responses against GitHub's published OpenAPI description (the dereferenced
// api.github.com document of @octokit/openapi): the documented schema of the operation's status.
import { createRequire } from 'node:module';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Spec = { paths: Record<string, Record<string, Operation>> };

let spec: Spec | null = null;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

function loadSpec(): Spec {
  spec ??= createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.deref.json') as Spec;
  return spec;
}

/** OpenAPI 3.0 `nullable` in plain JSON Schema: null joins the enum, or the schema becomes `anyOf [null, …]`. */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === 'example' || key === 'examples' ? value : nullableToJsonSchema(value);
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    return out;
  }
  return { anyOf: [{ type: 'null' }, out] };
}

/** The problems of `body` against the documented response of `METHOD /path/{template}` (empty: valid). */
export function openApiProblems(method: string, template: string, status: number, body: unknown): string[] {
  const key = `${method} ${template} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    const operation = loadSpec().paths[template]?.[method.toLowerCase()];
    if (!operation) return [`no operation ${method} ${template} in the OpenAPI description`];
    const schema = operation.responses?.[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return [`no JSON schema for ${status} of ${method} ${template}`];
    validate = ajv.compile(nullableToJsonSchema(schema) as object);
    compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
