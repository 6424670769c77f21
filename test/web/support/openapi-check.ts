// Checks answers against the App's own OpenAPI document (JSON Schema 2020-12, as OpenAPI 3.1
// uses): the schema of the route, status and content type that answered.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type OpenApiDocument = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

export function createOpenApiCheck(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...document, $id: 'api' });
  const routes = Object.keys(document.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  return function problems(method: string, path: string, status: number, contentType: string, body: unknown) {
    const route = routes.find((r) => r.pattern.test(path));
    if (!route) return [`no route of the document matches ${path}`];
    const operation = document.paths[route.template]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${route.template} is not in the document`];
    if (!operation.responses[String(status)])
      return [`${method} ${route.template} does not document ${status}`];
    const type = contentType.split(';')[0]!.trim();
    const pointer = [
      'paths',
      route.template,
      method.toLowerCase(),
      'responses',
      String(status),
      'content',
      type,
      'schema',
    ]
      .map(escapePointer)
      .join('/');
    const validate = ajv.getSchema(`api#/${pointer}`);
    if (!validate) return [`${method} ${route.template} ${status} documents no ${type} body`];
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}
