// The JSON Schema of `.github/agent.yml`, generated from the zod schema (for editors: add
// `# yaml-language-server: $schema=…/docs/agent-config.schema.json` at the top of the file).
import { z } from 'zod';
import { repoConfigSchema } from './schema.ts';

export const JSON_SCHEMA_PATH = 'docs/agent-config.schema.json';

export function repoConfigJsonSchema(): string {
  const schema = z.toJSONSchema(repoConfigSchema, { io: 'input', unrepresentable: 'any' });
  const document = {
    ...schema,
    $id: 'https://github.com/agent-dispatch/agent-dispatch/blob/main/docs/agent-config.schema.json',
    title: 'Agent Dispatch repository configuration (.github/agent.yml)',
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
