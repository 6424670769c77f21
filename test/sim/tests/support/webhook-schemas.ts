// Validates webhook payloads against @octokit/webhooks-schemas (the `<event>$<action>` definition).
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = formatsModule as unknown as typeof formatsModule.default;

type Schema = { definitions: Record<string, unknown> };

const schema = createRequire(import.meta.url)('@octokit/webhooks-schemas') as Schema;
const ajv = new Ajv({ strict: false, allErrors: true });
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
