// Validates webhook payloads against @octokit/webhooks-schemas (the `<event>$<action>` definition).
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = formatsModule as unknown as typeof formatsModule.default;

type Schema = { definitions: Record<string, unknown> };

const schema = createRequire(import.meta.url)('@octokit/webhooks-schemas') as Schema;
// References compiled as functions of their own and unoptimized code: the same validation, about
// ten times less CPU to compile. (Inlined, the first webhook definition took 3-4 s of one
// synchronous compile on an idle core — tens of seconds on a loaded machine, with the simulator
// and every timer of the test process stalled behind it.)
const ajv = new Ajv({ strict: false, allErrors: true, inlineRefs: false, code: { optimize: false } });
addFormats(ajv);
ajv.addSchema({ ...schema, $id: 'webhooks' });
const compiled = new Map<string, ValidateFunction>();

export function webhookProblems(event: string, action: string | undefined, payload: unknown): string[] {
  const name = action ? `${event}$${action}` : `${event}_event`;
  if (!(name in schema.definitions)) return [`no schema definition ${name}`];
  let validate = compiled.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `webhooks#/definitions/${name.replace('$', '%24')}` });
    compiled.set(name, validate);
  }
  if (validate(payload)) return [];
  return (validate.errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
