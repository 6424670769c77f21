// Validates simulator responses against GitHub's published OpenAPI description
// (api.github.com.json of @octokit/openapi): the documented schema of the operation's status.
// (The pre-dereferenced variant turns some `anyOf` into `allOf`, so references are resolved here.)
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = formatsModule as unknown as typeof formatsModule.default;

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Spec = { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

/** Operations whose inlined schema in the published file is wrong (an `anyOf` of user or enterprise
 * written as `allOf`); they are checked against the component the operation documents instead. */
const corrected: Record<string, unknown> = {
  'GET /app/installations 200': { type: 'array', items: { $ref: '#/components/schemas/installation' } },
};

// References compiled as functions of their own and unoptimized code: the same validation, about
// ten times less CPU to compile. (Inlined, the first webhook definition took 3-4 s of one
// synchronous compile on an idle core — tens of seconds on a loaded machine, with the simulator
// and every timer of the test process stalled behind it.)
const ajv = new Ajv({ strict: false, allErrors: true, inlineRefs: false, code: { optimize: false } });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();
let spec: Spec | null = null;

/** OpenAPI 3.0 → JSON Schema: `nullable` adds null (to the type or enum, or as an `anyOf` branch),
 * and local references point into the `github` schema that holds the components. */
function toJsonSchema(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, prefix));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples') continue;
    out[key] =
      key === '$ref' && typeof value === 'string' ? `${prefix}${value}` : toJsonSchema(value, prefix);
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    return out;
  }
  return { anyOf: [{ type: 'null' }, out] };
}

function loadSpec(): Spec {
  if (!spec) {
    spec = createRequire(import.meta.url)('@octokit/openapi/generated/api.github.com.json') as Spec;
    ajv.addSchema({ $id: 'github', components: toJsonSchema(spec.components, '') }, 'github');
  }
  return spec;
}

/** The problems of `body` against the documented response of `METHOD /path/{template}` (empty: valid). */
export function openApiProblems(method: string, template: string, status: number, body: unknown): string[] {
  const key = `${method} ${template} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    const operation = loadSpec().paths[template]?.[method.toLowerCase()];
    if (!operation) return [`no operation ${method} ${template} in the OpenAPI description`];
    const response = operation.responses?.[String(status)] as
      | { $ref?: string; content?: Record<string, { schema?: unknown }> }
      | undefined;
    const resolved = response?.$ref
      ? (loadSpec().components.responses as Record<string, typeof response>)[
          response.$ref.split('/').pop() ?? ''
        ]
      : response;
    const schema = corrected[key] ?? resolved?.content?.['application/json']?.schema;
    if (!schema) return [`no JSON schema for ${status} of ${method} ${template}`];
    validate = ajv.compile(toJsonSchema(schema, 'github') as object);
    compiled.set(key, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
